package lab.gradient.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.renderer.LitRenderer;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lab.gradient.model.ListedRun;
import lab.gradient.runs.RunService;
import lab.gradient.runs.RunStatus;
import lab.gradient.training.ModelKind;
import lab.gradient.training.TrainingResult;

/** The browser owner's runs, filtered, with several selected for Compare. */
@Route(value = "runs", layout = MainLayout.class)
@PageTitle("My runs · Gradient Lab")
public class RunsView extends VerticalLayout {
    static final String ANY = "any";
    final Select<String> model = new Select<>();
    final Select<String> status = new Select<>();
    final TextField text = new TextField("Experiment name contains");
    final Grid<ListedRun> grid = new Grid<>();
    final Button compare = new Button("Compare selected");
    /** The runs ticked for Compare, by id, in the order they were ticked. */
    final Set<String> ticked = new LinkedHashSet<>();
    final Checkbox tickAll = new Checkbox();
    private List<ListedRun> listed = List.of();

    public RunsView() {
        setMaxWidth("1280px");
        model.setLabel("Model");
        model.setItems(concat(Arrays.stream(ModelKind.values()).map(k -> k.id).toList()));
        model.setValue(ANY);
        status.setLabel("Status");
        status.setItems(concat(Arrays.stream(RunStatus.values()).map(RunStatus::id).toList()));
        status.setValue(ANY);
        text.setValueChangeMode(ValueChangeMode.LAZY);
        model.addValueChangeListener(e -> reload());
        status.addValueChangeListener(e -> reload());
        text.addValueChangeListener(e -> reload());
        compare.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        compare.setEnabled(false);
        compare.setId("compare");
        grid.setId("runs-grid");
        compare.addClickListener(e -> UI.getCurrent().navigate("compare", QueryParameters.simple(Map.of("runs", String.join(",", ticked)))));

        // a checkbox of our own per run, named for a screen reader, in the browser's template like the links: the grid's
        // selection column gave its checkboxes no label and its select-all an ARIA attribute its element may not carry
        // (axe-core: critical and serious)
        grid.setSelectionMode(Grid.SelectionMode.NONE);
        tickAll.setId("runs-tick-all");
        tickAll.setAriaLabel("Tick every run listed");
        tickAll.addValueChangeListener(e -> {
            if (!e.isFromClient()) return;
            ticked.clear();
            if (e.getValue()) listed.forEach(l -> ticked.add(l.run().id()));
            grid.getDataProvider().refreshAll();
            ticksChanged();
        });
        grid.addColumn(LitRenderer.<ListedRun>of("<input type=\"checkbox\" class=\"gl-tick\" aria-label=\"${item.label}\" "
                        + ".checked=\"${item.ticked}\" @change=\"${e => tick(e.target.checked)}\">")
                .withProperty("label", l -> "Compare " + l.experimentName() + ", arm " + (l.run().arm() + 1) + " (" + l.run().model() + ")")
                .withProperty("ticked", l -> ticked.contains(l.run().id()))
                .withFunction("tick", (l, args) -> {
                    if (args.getBoolean(0)) ticked.add(l.run().id());
                    else ticked.remove(l.run().id());
                    ticksChanged();
                })).setHeader(tickAll).setKey("tick").setAutoWidth(true).setFlexGrow(0);
        // links as templates the browser fills in, not a server-side component per cell: 50 rows appear at once
        grid.addColumn(LitRenderer.<ListedRun>of("<a href=\"${item.href}\">${item.name}</a>")
                .withProperty("href", listed -> "experiments/" + listed.run().experimentId())
                .withProperty("name", ListedRun::experimentName)).setHeader("Experiment").setAutoWidth(true).setFlexGrow(1);
        grid.addColumn(LitRenderer.<ListedRun>of("<a href=\"${item.href}\">${item.model}</a>")
                .withProperty("href", listed -> "runs/" + listed.run().id())
                .withProperty("model", listed -> listed.run().model())).setHeader("Model").setAutoWidth(true);
        grid.addColumn(listed -> listed.run().status()).setHeader("Status").setAutoWidth(true);
        grid.addColumn(listed -> listed.run().createdAt() == null ? ""
                : listed.run().createdAt().toLocalDateTime().withNano(0).toString().replace('T', ' ')).setHeader("Created").setAutoWidth(true);
        grid.addColumn(listed -> listed.run().iterations() + " / " + listed.run().totalIterations()).setHeader("Iterations");
        grid.addColumn(listed -> SummaryText.of(listed.run(), TrainingResult.Summary::valLoss)).setHeader("Validation loss");
        grid.addColumn(listed -> SummaryText.longRangeAccuracy(listed.run(), listed.longRangeTask())).setHeader("Long-range accuracy")
                .setTooltipGenerator(listed -> listed.longRangeTask() ? null : SummaryText.NO_LONG_RANGE_TASK_TIP);
        grid.addColumn(listed -> SummaryText.of(listed.run(), TrainingResult.Summary::gradientFlowRatio)).setHeader("g(d)/g(0)");
        grid.setAllRowsVisible(true);

        HorizontalLayout filters = new HorizontalLayout(model, status, text, compare);
        filters.setAlignItems(FlexComponent.Alignment.BASELINE);
        filters.setWrap(true);
        add(new H1("My runs"), new Paragraph("Runs you started in this browser. Tick two or more and compare their curves."),
                filters, grid);
        reload();
    }

    private static List<String> concat(List<String> values) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(ANY), values.stream()).toList();
    }

    void reload() {
        listed = OwnerSession.owner().map(owner -> UiServices.runs().findRuns(owner,
                ANY.equals(model.getValue()) ? null : model.getValue(), ANY.equals(status.getValue()) ? null : status.getValue(),
                null, text.getValue().isBlank() ? null : text.getValue(), 500, 0)).orElse(List.of());
        // a tick stays on a run still listed
        Set<String> shown = new HashSet<>();
        listed.forEach(l -> shown.add(l.run().id()));
        ticked.retainAll(shown);
        tickAll.setValue(!listed.isEmpty() && ticked.size() == listed.size());
        grid.setItems(listed);
        ticksChanged();
    }

    /** Compare takes one run or more, up to its limit; the button says so past it. */
    private void ticksChanged() {
        int n = ticked.size();
        compare.setEnabled(n >= 1 && n <= RunService.MAX_COMPARE);
        compare.setText(n > RunService.MAX_COMPARE ? "Compare at most " + RunService.MAX_COMPARE : "Compare selected");
    }
}
