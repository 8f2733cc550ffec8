package lab.gradient.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.data.renderer.LitRenderer;
import com.vaadin.flow.router.QueryParameters;
import java.util.Map;
import lab.gradient.lessons.Lessons;
import lab.gradient.lessons.SweepLesson;
import lab.gradient.runs.RunService;
import lab.gradient.sweeps.SweepService;

/**
 * A sweep's charts and points, for the sweep's own page and a lab's dashboard: accuracy and g(d)/g(0) against
 * distance, then every point (a run, with its student in a class sweep), several of which open in Compare.
 */
class SweepPanel extends VerticalLayout {
    final Chart accuracy = new Chart(), flow = new Chart();
    final Grid<SweepService.Point> points = new Grid<>();
    final Button compare = new Button("Compare selected");
    /** The points ticked for Compare, by run id: kept while the table is redrawn as points finish. */
    final java.util.Set<String> chosen = new java.util.LinkedHashSet<>();
    final Paragraph budget = caption("");
    private String drawn;

    SweepPanel() {
        setPadding(false);
        SweepLesson lesson = Lessons.distanceSweep();
        budget.setId("sweep-budget");
        accuracy.setId("chart-sweep-accuracy");
        flow.setId("chart-sweep-flow");
        points.setId("sweep-points");
        compare.setId("sweep-compare");
        compare.setEnabled(false);
        // a checkbox of our own per point, named for a screen reader: the grid's selection column gave its checkboxes
        // no label (axe-core: "form elements must have labels", critical)
        points.setSelectionMode(Grid.SelectionMode.NONE);
        points.addComponentColumn(p -> {
            Checkbox tick = new Checkbox(chosen.contains(p.runId()));
            tick.setAriaLabel("Compare " + p.model() + " at d = " + p.distance() + ", seed " + p.seed());
            tick.addValueChangeListener(e -> {
                if (e.getValue()) chosen.add(p.runId());
                else chosen.remove(p.runId());
                int n = chosen.size();
                compare.setEnabled(n >= 1 && n <= RunService.MAX_COMPARE);
                compare.setText(n > RunService.MAX_COMPARE ? "Compare at most " + RunService.MAX_COMPARE : "Compare selected");
            });
            return tick;
        }).setHeader("Compare").setKey("tick").setAutoWidth(true).setFlexGrow(0);
        points.addColumn(p -> p.student() == null ? "" : p.student()).setHeader("Student").setKey("student").setAutoWidth(true);
        points.addColumn(LitRenderer.<SweepService.Point>of("<a href=\"${item.href}\">${item.model}</a>")
                .withProperty("href", p -> "runs/" + p.runId()).withProperty("model", SweepService.Point::model)).setHeader("Model").setAutoWidth(true);
        points.addColumn(SweepService.Point::distance).setHeader("Distance d").setAutoWidth(true);
        points.addColumn(SweepService.Point::seed).setHeader("Seed").setAutoWidth(true);
        points.addColumn(SweepService.Point::status).setHeader("Status").setAutoWidth(true);
        points.addColumn(p -> SummaryText.format(p.longRangeAccuracy())).setHeader("Long-range accuracy").setAutoWidth(true);
        points.addColumn(p -> SummaryText.format(p.flowRatio())).setHeader("g(d)/g(0)").setAutoWidth(true);
        points.setAllRowsVisible(true);
        compare.addClickListener(e -> UI.getCurrent().navigate("compare", QueryParameters.simple(Map.of("runs", String.join(",", chosen)))));
        add(new H2("Where each model breaks"), caption(lesson.captions().get("accuracy")), accuracy,
                new H2("Why: the gradient that reaches the key"), caption(lesson.captions().get("flow")), flow,
                new H2("Points"), caption("Each point is one run: click it on a chart or here to open it; tick some to compare their curves."),
                points, compare, budget);
    }

    /** What one point trained, as this sweep's own settings say (the lesson's unless the sweep changed them). */
    static String budget(SweepService.View sweep) {
        var training = sweep.grid().training();
        String iterations = training.has("maxIterations") ? String.format(java.util.Locale.ROOT, "%,d", training.get("maxIterations").asInt())
                : "each model's default number of";
        return "Each point is one run of " + iterations + " iterations on the long-range sentences; the accuracy plotted is the "
                + "final one, on held-out sentences, and g(d)/g(0) is at the last probe. " + sweep.points().size() + " runs of "
                + sweep.cells() + " cells.";
    }

    private static Paragraph caption(String text) {
        Paragraph p = new Paragraph(text);
        p.addClassName("gl-caption");
        return p;
    }

    /** Shows the sweep as read now; redraws only what changed (a page polls this every few seconds). */
    void show(SweepService.View sweep) {
        String signature = sweep.points().stream().map(p -> p.runId() + ":" + p.status()).reduce("", String::concat);
        if (signature.equals(drawn)) return;
        drawn = signature;
        points.getColumnByKey("student").setVisible(sweep.lab() != null);
        points.setItems(sweep.points());
        budget.setText(budget(sweep));
        accuracy.setOption(SweepCharts.accuracy(sweep));
        flow.setOption(SweepCharts.flow(sweep));
    }
}
