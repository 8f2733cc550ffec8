package lab.gradient.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Input;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.Location;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import lab.gradient.model.MetricSeries;
import lab.gradient.model.Run;
import lab.gradient.runs.RunService;
import lab.gradient.training.SettingsException;
import lab.gradient.training.TrainingResult;

/** Saved runs overlaid. Everything on screen is in the URL, so the link alone reproduces the view. */
@Route(value = "compare", layout = MainLayout.class)
@PageTitle("Compare · Gradient Lab")
public class CompareView extends VerticalLayout implements BeforeEnterObserver {
    static final Map<String, String> SERIES = new LinkedHashMap<>();
    static {
        SERIES.put("loss", "Training loss per word");
        SERIES.put("gradNorm", "Gradient norm, all parameters, before clipping");
        SERIES.put("gradNormClipped", "Gradient norm after clipping");
        SERIES.put("flow", "Final gradient flow through time g(k)");
        SERIES.put("spectral", "Spectral radius of W_h");
    }

    final Select<String> series = new Select<>();
    final Checkbox log = new Checkbox("Log scale");
    final Input smoothing = new Input();
    final Span smoothingLabel = new Span();
    final Select<String> xAxis = new Select<>();
    final Checkbox byModel = new Checkbox("Group by model: median and middle half");
    final Chart chart = new Chart();
    final Grid<Run> table = new Grid<>();
    private final Map<String, Double> bestValidationLoss = new LinkedHashMap<>();
    final Paragraph caption = new Paragraph();
    final Span error = new Span();
    List<Run> selected = List.of();
    /** Each selected run's name: its experiment and its arm's label (RunService.displayName). */
    private final Map<String, String> names = new java.util.HashMap<>();
    /** The compared runs whose sentences are the long-range task: only they have a long-range accuracy to show. */
    private final java.util.Set<String> longRangeTasks = new java.util.HashSet<>();
    private final Grid.Column<Run> longRange;
    private boolean loading;

    public CompareView() {
        setMaxWidth("1280px");
        series.setLabel("Series");
        series.setItems(SERIES.keySet());
        series.setItemLabelGenerator(SERIES::get);
        xAxis.setLabel("x axis");
        xAxis.setItems("iteration", "time");
        xAxis.setItemLabelGenerator(x -> x.equals("time") ? "wall time (s)" : "iteration");
        smoothing.setType("range");
        smoothing.getElement().setAttribute("min", "0").setAttribute("max", "0.95").setAttribute("step", "0.05")
                .setAttribute("aria-label", "Smoothing");
        smoothing.setValueChangeMode(com.vaadin.flow.data.value.ValueChangeMode.ON_CHANGE);
        smoothing.setValue("0");
        series.addValueChangeListener(e -> changed());
        log.addValueChangeListener(e -> changed());
        smoothing.addValueChangeListener(e -> changed());
        xAxis.addValueChangeListener(e -> changed());
        byModel.setId("compare-by-model");
        byModel.addValueChangeListener(e -> changed());
        chart.setHeight("420px");
        chart.setId("chart-compare");
        table.setId("compare-table");
        table.addColumn(run -> names.getOrDefault(run.id(), run.model())).setHeader("Run").setAutoWidth(true).setFlexGrow(1);
        table.addColumn(Run::status).setHeader("Status").setAutoWidth(true);
        Map<String, ToDoubleFunction<TrainingResult.Summary>> columns = new LinkedHashMap<>();
        // the summary's train loss is the mean of the last 20 steps: the end of the curve, smoothed
        columns.put("Final train loss (last 20 steps)", TrainingResult.Summary::trainLoss);
        columns.put("Final validation loss", TrainingResult.Summary::valLoss);
        columns.put("Perplexity", TrainingResult.Summary::valPerplexity);
        columns.put("Top-1", TrainingResult.Summary::top1);
        columns.forEach((header, value) -> table.addColumn(run -> SummaryText.of(run, value)).setHeader(header).setAutoWidth(true));
        longRange = table.addColumn(run -> SummaryText.longRangeAccuracy(run, longRangeTasks.contains(run.id()))).setHeader("Long-range acc.")
                .setAutoWidth(true).setTooltipGenerator(run -> longRangeTasks.contains(run.id()) ? null : SummaryText.NO_LONG_RANGE_TASK_TIP);
        table.addColumn(run -> SummaryText.of(run, TrainingResult.Summary::maxGradNorm)).setHeader("Max ‖∂L/∂w‖").setAutoWidth(true);
        table.addColumn(run -> SummaryText.format(bestValidationLoss.getOrDefault(run.id(), Double.NaN)))
                .setHeader("Best validation loss").setAutoWidth(true);
        // a run that diverged exploded, whether or not a jump could be counted before it did
        table.addColumn(run -> run.summary() != null && run.summary().divergedAt() > 0 ? "diverged at " + run.summary().divergedAt()
                : SummaryText.count(run, TrainingResult.Summary::explodingEvents)).setHeader("Explosions").setAutoWidth(true);
        table.addColumn(run -> SummaryText.of(run, TrainingResult.Summary::gradientFlowRatio)).setHeader("g(d)/g(0)").setAutoWidth(true);
        table.addColumn(run -> SummaryText.of(run, TrainingResult.Summary::seconds)).setHeader("Seconds").setAutoWidth(true);
        table.setAllRowsVisible(true);
        Span sliderCaption = new Span("Smoothing");
        Div slider = new Div(sliderCaption, smoothing, smoothingLabel);
        slider.addClassName("gl-slider");
        HorizontalLayout controls = new HorizontalLayout(series, log, slider, xAxis, byModel);
        controls.setAlignItems(FlexComponent.Alignment.BASELINE);
        controls.setWrap(true);
        caption.addClassName("gl-caption");
        error.setId("compare-error");
        error.addClassName("gl-error");
        error.getElement().setAttribute("role", "alert");
        add(new H1("Compare runs"), error, controls, caption, chart, table);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        Map<String, List<String>> q = event.getLocation().getQueryParameters().getParameters();
        RunService runs = UiServices.runs();
        error.setText("");
        List<String> ids;
        try {
            ids = RunService.comparisonIds(q.containsKey("runs") ? q.get("runs").get(0) : null);
        } catch (SettingsException e) {
            // the API's limit and words: nothing is cut silently
            error.setText("Compare shows " + e.reason() + ": pick fewer runs in My runs.");
            ids = List.of();
        }
        List<Run> found = new ArrayList<>();
        ids.forEach(id -> runs.run(id).ifPresent(found::add));
        List<String> missing = ids.stream().filter(id -> found.stream().noneMatch(r -> r.id().equals(id))).toList();
        if (!missing.isEmpty()) {
            // a link to runs that are gone says so, rather than drawing empty tables
            error.setText((missing.size() == 1 ? "No run has the id " : "No runs have the ids ") + String.join(", ", missing)
                    + ": deleted, or the link was cut short when it was copied." + (found.isEmpty() ? " Pick runs in My runs." : ""));
        }
        selected = found;
        bestValidationLoss.clear();
        selected.forEach(run -> bestValidationLoss.put(run.id(), runs.bestValidationLoss(run.id())));
        names.clear();
        selected.forEach(run -> names.put(run.id(), runs.displayName(run)));
        longRangeTasks.clear();
        selected.stream().filter(runs::longRangeTask).forEach(run -> longRangeTasks.add(run.id()));
        // none of them on the long-range task: the column would be dashes only
        longRange.setVisible(!longRangeTasks.isEmpty());
        table.setItems(selected);
        loading = true;
        series.setValue(first(q, "series", "loss", SERIES.keySet()));
        log.setValue(Boolean.parseBoolean(first(q, "log", "false", List.of("true", "false"))));
        xAxis.setValue(first(q, "x", "iteration", List.of("iteration", "time")));
        byModel.setValue(Boolean.parseBoolean(first(q, "group", "false", List.of("true", "false"))));
        double smooth;
        try {
            smooth = Double.parseDouble(first(q, "smooth", "0", null));
        } catch (NumberFormatException e) {
            smooth = 0;
        }
        smoothing.setValue(String.valueOf(Math.max(0, Math.min(0.95, smooth))));
        loading = false;
        draw();
    }

    private static String first(Map<String, List<String>> q, String key, String fallback, java.util.Collection<String> allowed) {
        List<String> v = q.get(key);
        if (v == null || v.isEmpty()) return fallback;
        return allowed == null || allowed.contains(v.get(0)) ? v.get(0) : fallback;
    }

    private void changed() {
        if (loading) return;
        Map<String, String> params = new LinkedHashMap<>();
        params.put("runs", String.join(",", selected.stream().map(Run::id).toList()));
        params.put("series", series.getValue());
        params.put("log", String.valueOf(log.getValue()));
        params.put("smooth", String.valueOf(smoothingValue()));
        params.put("x", xAxis.getValue());
        params.put("group", String.valueOf(byModel.getValue()));
        UI.getCurrent().getPage().getHistory().replaceState(null, new Location("compare", QueryParameters.simple(params)));
        draw();
    }

    /** The slider's value: the weight an exponential moving average gives the past. */
    double smoothingValue() {
        try {
            return Math.max(0, Math.min(0.95, Double.parseDouble(smoothing.getValue())));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    void draw() {
        RunService runs = UiServices.runs();
        String what = series.getValue() == null ? "loss" : series.getValue();
        boolean logY = Boolean.TRUE.equals(log.getValue());
        double smooth = smoothingValue();
        smoothingLabel.setText(String.format(Locale.ROOT, "%.2f", smooth));
        boolean byTime = "time".equals(xAxis.getValue());
        caption.setText(SERIES.get(what) + (what.equals("flow") ? ", against steps back k." : byTime ? ", against wall time." : ", against iteration."));
        List<MetricSeries> metrics = runs.metrics(selected.stream().map(Run::id).toList());
        boolean grouped = Boolean.TRUE.equals(byModel.getValue()) && !what.equals("spectral");
        xAxis.setEnabled(!grouped);
        if (grouped) {
            // the runs of each model as one spread: where the models differ by more than their seeds do
            caption.setText(SERIES.get(what) + ": each model's median over its runs and the band of their middle half"
                    + (what.equals("flow") ? " (dashed on a log scale)" : ", each run smoothed first") + ".");
            Map<String, List<Integer>> byKind = new LinkedHashMap<>();
            for (int i = 0; i < selected.size(); i++) byKind.computeIfAbsent(selected.get(i).model(), k -> new ArrayList<>()).add(i);
            List<OverlayCharts.Group> groups = new ArrayList<>();
            int colour = 0;
            for (var e : byKind.entrySet()) {
                groups.add(new OverlayCharts.Group(e.getKey(), ChartOptions.COLOURS.get(colour++ % ChartOptions.COLOURS.size()),
                        e.getValue().stream().map(metrics::get).toList(), what.equals("flow") ? e.getValue().stream()
                                .map(i -> runs.gradientFlow(selected.get(i).id())).filter(f -> !f.isEmpty())
                                .map(f -> f.get(f.size() - 1).norms()).toList() : List.of()));
            }
            chart.setOption(OverlayCharts.bands(groups, what, SERIES.get(what), logY, smooth));
            return;
        }
        List<OverlayCharts.Line> lines = new ArrayList<>();
        for (int i = 0; i < selected.size(); i++) {
            Run run = selected.get(i);
            // only the records the chosen series needs are read
            lines.add(new OverlayCharts.Line((i + 1) + ". " + names.getOrDefault(run.id(), run.model()),
                    ChartOptions.COLOURS.get(i % ChartOptions.COLOURS.size()), metrics.get(i),
                    what.equals("flow") ? runs.gradientFlow(run.id()) : List.of(), what.equals("spectral") ? runs.spectra(run.id()) : List.of()));
        }
        chart.setOption(OverlayCharts.compare(lines, what, SERIES.get(what), logY, smooth, byTime));
    }
}
