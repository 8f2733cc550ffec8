package lab.gradient.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.OrderedList;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import lab.gradient.lessons.Lesson;
import lab.gradient.runs.ArmLabels;
import lab.gradient.training.CorpusSpec;
import lab.gradient.runs.Downsampling;
import lab.gradient.runs.RateLimits;
import lab.gradient.runs.RunEvent;
import lab.gradient.runs.RunService;
import lab.gradient.runs.RunStatus;
import lab.gradient.store.MetricSeries;
import lab.gradient.store.RunStore;
import lab.gradient.training.Predictor;
import lab.gradient.training.Regime;
import lab.gradient.training.SettingsException;
import lab.gradient.training.TrainingSettings;

/**
 * One experiment, its arms overlaid: status and progress, the charts that fill while the models train, a diagnosis
 * in the notes' words, and the next-word panel. Anyone with the link sees it; only the owner may cancel.
 */
@Route(value = "experiments/:experimentId", layout = MainLayout.class)
@PageTitle("Experiment · Gradient Lab")
public class ExperimentView extends VerticalLayout implements BeforeEnterObserver {
    static final int MAX_POINTS = 2000;

    final H1 title = new H1();
    final Paragraph corpusLine = new Paragraph();
    final HorizontalLayout runCards = new HorizontalLayout();
    final Div diagnosis = new Div();
    final Chart loss = new Chart(), gradNorm = new Chart(), flow = new Chart(), heatmap = new Chart(), spectral = new Chart();
    final Select<String> heatmapRun = new Select<>();
    final TextField prefix = new TextField("Ask for the next word after…");
    final HorizontalLayout answers = new HorizontalLayout();
    final Div config = new Div();
    final HorizontalLayout actions = new HorizontalLayout();
    /** The lesson's claim and where to look, when the experiment is a guided lesson. */
    final Div lessonBox = new Div();
    /** Each chart's caption by chart id: the lesson's where it has one, else what the chart shows for any arms. */
    final Map<String, Paragraph> captions = new LinkedHashMap<>();
    private com.vaadin.flow.shared.Registration pollRegistration;

    RunService runs;
    RunStore.Experiment experiment;
    List<RunStore.Run> experimentRuns = List.of();
    List<String> armLabels = List.of();
    boolean owner;
    private final Map<String, RunEvent.Progress> progress = new ConcurrentHashMap<>();
    private final List<AutoCloseable> subscriptions = new ArrayList<>();
    private volatile boolean dirty;

    public ExperimentView() {
        setMaxWidth("1280px");
        runCards.setWrap(true);
        diagnosis.addClassName("gl-diagnosis");
        diagnosis.getElement().setAttribute("aria-live", "polite");
        heatmapRun.setLabel("Heatmap of");
        heatmapRun.addValueChangeListener(e -> dirty = true);
        prefix.setWidth("min(28em, 100%)");
        prefix.setId("prefix");
        loss.setId("chart-loss");
        gradNorm.setId("chart-grad-norm");
        flow.setId("chart-flow");
        heatmap.setId("chart-heatmap");
        spectral.setId("chart-spectral");
        diagnosis.setId("diagnosis");
        prefix.setValue("marathi is spoken in");
        Button ask = new Button("Ask each model", e -> ask());
        ask.setId("ask");
        ask.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        prefix.addKeyPressListener(com.vaadin.flow.component.Key.ENTER, e -> ask());
        HorizontalLayout askRow = new HorizontalLayout(prefix, ask);
        askRow.setAlignItems(FlexComponent.Alignment.BASELINE);
        askRow.setWrap(true);
        answers.setWrap(true);
        lessonBox.setId("lesson");
        lessonBox.addClassName("gl-lesson");
        lessonBox.setVisible(false);
        add(title, corpusLine, lessonBox, actions, runCards,
                new H2("Diagnosis"), diagnosis,
                section("loss", "Loss", loss),
                section("gradNorm", "Gradient norm", gradNorm),
                section("flow", "Gradient flow through time", flow),
                section("heatmap", "Gradient flow over training", heatmapRun, heatmap),
                section("spectral", "Recurrent spectral radius", spectral),
                new H2("Next word"), askRow, answers,
                new H2("Settings"), config);
    }

    /** What each chart shows, true whatever the arms: the default caption where a lesson says nothing more. */
    static Map<String, String> genericCaptions() {
        return Map.of(
                "loss", "Training loss per word (lines) and validation loss (dots) for each model. Lower is better.",
                "gradNorm", "How large ∂L/∂w is, per parameter, on a log scale: solid before clipping, dashed after. A step over "
                        + (int) Regime.JUMP_FACTOR + "× the median of the " + Regime.JUMP_WINDOW + " before it is an exploding step.",
                "flow", "‖∂L_T/∂x_{T−k}‖ against k, how many steps back, at the latest probe (log scale). A line that falls by orders "
                        + "of magnitude is the product of ∂o_t/∂o_{t−1} vanishing; at " + Regime.VANISHED + " of the last step's or less "
                        + "the diagnosis calls it vanishing.",
                "heatmap", "The same for every probe, steps back × iteration, coloured by log₁₀ of the norm: dark is vanished.",
                "spectral", "Largest |eigenvalue| of W_h over training. Below 1 the product of factors must shrink; above 1 it can "
                        + "explode (Pascanu, Mikolov & Bengio 2013).");
    }

    private Div section(String chartId, String heading, com.vaadin.flow.component.Component... content) {
        Div div = new Div(new H3(heading));
        Paragraph p = new Paragraph(genericCaptions().get(chartId));
        p.addClassName("gl-caption");
        p.setId("caption-" + chartId);
        captions.put(chartId, p);
        div.add(p);
        div.add(content);
        div.setWidthFull();
        return div;
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        runs = UiServices.runs();
        String id = event.getRouteParameters().get("experimentId").orElse("");
        experiment = runs.experiment(id).orElseThrow(NotFoundException::new);
        load();
    }

    void load() {
        owner = runs.mayManage(experiment.owner(), experiment.lab(), OwnerSession.identities());
        title.setText(experiment.name());
        Optional<Lesson> lesson = UiServices.lessons().lesson(experiment.lesson());
        lessonBox.removeAll();
        lessonBox.setVisible(lesson.isPresent());
        lesson.ifPresent(l -> lessonBox.add(new Paragraph("The notes' claim: " + l.claim()), new Paragraph("What to look at: " + l.whatToLookAt()),
                new Paragraph("Honestly: " + l.honestly())));
        captions.forEach((id, p) -> p.setText(lesson.map(l -> l.captions().get(id)).orElse(genericCaptions().get(id))));
        CorpusSpec corpus = experiment.corpus();
        corpusLine.setText(corpus.text() != null ? "Your sentences (" + corpus.text().length() + " characters)."
                : corpus.isLongRange() ? "The long-range preset: a key word, " + corpus.effectiveDistance()
                        + " words of filler, then the answer that depends on the key." : "The " + corpus.preset() + " preset.");
        Button fork = new Button("Fork", e -> UI.getCurrent().navigate("", com.vaadin.flow.router.QueryParameters.of("fork", experiment.id())));
        Button copy = new Button("Copy link", e -> {
            UI.getCurrent().getPage().executeJs("navigator.clipboard && navigator.clipboard.writeText(window.location.href)");
            Notification.show("Link copied: anyone who has it can watch, not change.");
        });
        actions.removeAll();
        actions.setWrap(true);
        actions.add(fork, copy);
        actions.setAlignItems(FlexComponent.Alignment.BASELINE);
        if (owner) {
            Button delete = new Button("Delete experiment", e -> Confirm.then("Delete this experiment?",
                    "Its " + experimentRuns.size() + " run(s) and everything they recorded are removed for good; their links stop working.",
                    "Delete", () -> {
                        UiServices.refusalsShown(() -> {
                            runs.deleteExperiment(experiment.id(), OwnerSession.identities());
                            UI.getCurrent().navigate(RunsView.class);
                        });
                    }));
            delete.setId("delete-experiment");
            delete.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
            actions.add(delete);
        } else {
            Span readOnly = new Span("Read-only: you are watching someone else's experiment.");
            readOnly.addClassName("gl-read-only");
            actions.add(readOnly);
        }
        refresh();
    }

    @Override
    protected void onAttach(AttachEvent event) {
        // the page opens at its top (progress and diagnosis), not at the scroll position of the form that started it
        event.getUI().getPage().executeJs("window.scrollTo(0, 0)");
        for (RunStore.Run run : experimentRuns) {
            subscriptions.add(runs.events().subscribe(run.id(), e -> {
                if (e instanceof RunEvent.Progress p) progress.put(p.runId(), p);
                dirty = true;
            }));
        }
        event.getUI().setPollInterval(1000);
        pollRegistration = event.getUI().addPollListener(e -> {
            if (dirty || experimentRuns.stream().anyMatch(r -> !RunStatus.of(r.status()).isFinal())) {
                dirty = false;
                refresh();
            }
        });
    }

    @Override
    protected void onDetach(DetachEvent event) {
        event.getUI().setPollInterval(-1);
        if (pollRegistration != null) pollRegistration.remove();
        for (AutoCloseable s : subscriptions) {
            try {
                s.close();
            } catch (Exception ignored) {
                // nothing to clean up beyond the subscription itself
            }
        }
        subscriptions.clear();
    }

    /** Re-reads the runs and everything they recorded, and redraws. */
    void refresh() {
        experimentRuns = runs.runsOfExperiment(experiment.id());
        armLabels = ArmLabels.of(experimentRuns);
        boolean longRange = experiment.corpus().isLongRange();
        Map<String, MetricSeries> metrics = new LinkedHashMap<>();
        Map<String, List<RunStore.Flow>> flows = new LinkedHashMap<>();
        experimentRuns.forEach(r -> metrics.put(r.id(), runs.metrics(r.id())));
        experimentRuns.forEach(r -> flows.put(r.id(), runs.gradientFlow(r.id())));

        runCards.removeAll();
        diagnosis.removeAll();
        config.removeAll();
        for (int i = 0; i < experimentRuns.size(); i++) {
            RunStore.Run run = experimentRuns.get(i);
            runCards.add(card(run, i));
            Div block = new Div(new H3(label(run, i)));
            for (String line : runs.diagnosis(run, flows.get(run.id()), metrics.get(run.id())).lines()) block.add(new Paragraph(line));
            diagnosis.add(block);
            TrainingSettings s = run.settings();
            config.add(new Paragraph(String.format(Locale.ROOT, "%s: hidden %d · layers %d · window %d · batch %d · %s %.3g · "
                            + "W_h starts %s ×%.2g · clipping %s%s · seed %d", label(run, i), s.hidden, s.layers, s.window, s.batch,
                    TrainingSettings.lower(s.optimizer), s.learningRate, TrainingSettings.lower(s.init), s.initScale,
                    TrainingSettings.lower(s.clip), s.clip == TrainingSettings.ClipMode.NONE ? "" : " at " + s.clipThreshold, s.seed)
                    + (run.model().equals("rnn-skip") ? " · top layer reads h_{t−" + s.skip + "}" : "")
                    + (run.model().equals("lstm") ? String.format(Locale.ROOT, " · forget bias %.2g", s.forgetBias) : "")));
        }
        drawLoss(metrics);
        drawGradNorm(metrics);
        drawFlow(flows);
        drawHeatmap(flows);
        drawSpectral();
    }

    /** "1. rnn-relu, no clipping": the arm's number and what sets it apart from the other arms. */
    String label(RunStore.Run run, int arm) {
        return (arm + 1) + ". " + (arm < armLabels.size() ? armLabels.get(arm) : run.model());
    }

    private String colour(int arm) {
        return ChartOptions.COLOURS.get(arm % ChartOptions.COLOURS.size());
    }

    private Div card(RunStore.Run run, int arm) {
        Span name = new Span(label(run, arm));
        name.getStyle().set("color", colour(arm)).set("font-weight", "600");
        Span status = new Span(run.status());
        status.getElement().getThemeList().add("badge " + switch (run.status()) {
            case "completed" -> "success";
            case "failed", "diverged" -> "error";
            case "running" -> "";
            default -> "contrast";
        });
        status.addClassName("gl-status");
        status.getElement().setAttribute("data-run", run.id());
        RunEvent.Progress p = progress.get(run.id());
        int iteration = p == null ? run.iterations() : Math.max(p.iteration(), run.iterations());
        // a live progress event can be ahead of the stored run: it may know the total before the database does
        int total = p == null ? run.totalIterations() : p.totalIterations();
        ProgressBar bar = new ProgressBar(0, Math.max(1, total), Math.min(iteration, Math.max(1, total)));
        Span eta = new Span(total == 0 ? "" : String.format(Locale.ROOT, "iteration %d of %d%s", iteration, total,
                p != null && run.status().equals("running") ? String.format(Locale.ROOT, " · about %.0f s left", p.etaSeconds()) : ""));
        Div card = new Div(new HorizontalLayout(name, status), bar, eta);
        card.addClassName("gl-run-card");
        if (owner && !RunStatus.of(run.status()).isFinal()) {
            Button cancel = new Button("Cancel", e -> {
                UiServices.refusalsShown(() -> runs.cancel(run.id(), OwnerSession.identities()));
                dirty = true;
            });
            cancel.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_SMALL);
            card.add(cancel);
        }
        return card;
    }

    private static double[] toDoubles(float[] values, int[] keep) {
        double[] out = new double[keep.length];
        for (int i = 0; i < keep.length; i++) out[i] = values[keep[i]];
        return out;
    }

    private static double[] iterations(MetricSeries m, int[] keep) {
        double[] out = new double[keep.length];
        for (int i = 0; i < keep.length; i++) out[i] = m.iteration()[keep[i]];
        return out;
    }

    private void drawLoss(Map<String, MetricSeries> metrics) {
        ChartOptions chart = new ChartOptions("iteration", "loss per word", false);
        for (int i = 0; i < experimentRuns.size(); i++) {
            RunStore.Run run = experimentRuns.get(i);
            MetricSeries m = metrics.get(run.id());
            if (m.size() > 0) {
                int[] keep = Downsampling.keep(m.size(), MAX_POINTS, List.of(m.columns().get("loss")));
                chart.line(label(run, i) + " train", iterations(m, keep), toDoubles(m.columns().get("loss"), keep), colour(i), false, false);
            }
            List<RunStore.Validation> v = runs.validations(run.id());
            chart.line(label(run, i) + " validation", v.stream().mapToDouble(RunStore.Validation::iteration).toArray(),
                    v.stream().mapToDouble(RunStore.Validation::loss).toArray(), colour(i), true, false);
        }
        loss.setOption(chart.build());
    }

    private void drawGradNorm(Map<String, MetricSeries> metrics) {
        ChartOptions chart = new ChartOptions("iteration", "‖∂L/∂w‖", true);
        for (int i = 0; i < experimentRuns.size(); i++) {
            RunStore.Run run = experimentRuns.get(i);
            MetricSeries m = metrics.get(run.id());
            if (m.size() == 0) continue;
            int[] keep = Downsampling.keep(m.size(), MAX_POINTS, List.of(m.columns().get("gradNorm.total")));
            // the lines shown at first get full detail; the others (off until picked in the legend) fewer points, so a
            // live update of ~28 series stays small enough to send every second to a whole class
            int[] keepFew = Downsampling.keep(m.size(), MAX_POINTS / 8, List.of(m.columns().get("gradNorm.total")));
            for (Map.Entry<String, float[]> column : m.columns().entrySet()) {
                String key = column.getKey();
                boolean clipped = key.startsWith("gradNormClipped.");
                if (!key.startsWith("gradNorm.") && !clipped) continue;
                String param = key.substring(key.indexOf('.') + 1);
                String name = label(run, i) + " " + param + (clipped ? " after clipping" : "");
                boolean shown = param.equals("total") || param.endsWith("W_h");
                int[] points = shown ? keep : keepFew;
                // each arm's total in its own colour; the per-parameter lines take the palette's
                chart.line(name, iterations(m, points), toDoubles(column.getValue(), points), param.equals("total") ? colour(i) : null, clipped, true);
                if (!shown) chart.hideInLegend(name);
            }
        }
        gradNorm.setOption(chart.build());
    }

    private void drawFlow(Map<String, List<RunStore.Flow>> flows) {
        ChartOptions chart = new ChartOptions("steps back k", "‖∂L_T/∂x_{T−k}‖", true);
        for (int i = 0; i < experimentRuns.size(); i++) {
            RunStore.Run run = experimentRuns.get(i);
            List<RunStore.Flow> f = flows.get(run.id());
            if (f.isEmpty()) continue;
            RunStore.Flow last = f.get(f.size() - 1);
            double[] k = new double[last.norms().length];
            for (int j = 0; j < k.length; j++) k[j] = j;
            chart.line(label(run, i) + " at iteration " + last.iteration(), k, last.norms(), colour(i), false, true);
            if (f.size() > 1) chart.line(label(run, i) + " before training", k, f.get(0).norms(), colour(i), true, true);
        }
        flow.setOption(chart.build());
    }

    private void drawHeatmap(Map<String, List<RunStore.Flow>> flows) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < experimentRuns.size(); i++) labels.add(label(experimentRuns.get(i), i));
        if (!labels.equals(new ArrayList<>(heatmapRun.getListDataView().getItems().toList()))) {
            String selected = heatmapRun.getValue();
            heatmapRun.setItems(labels);
            heatmapRun.setValue(selected != null && labels.contains(selected) ? selected : labels.isEmpty() ? null : labels.get(0));
        }
        int arm = labels.indexOf(heatmapRun.getValue());
        if (arm < 0) return;
        List<RunStore.Flow> f = flows.get(experimentRuns.get(arm).id());
        heatmap.setOption(ChartOptions.heatmap(f.stream().map(RunStore.Flow::iteration).toList(), f.stream().map(RunStore.Flow::norms).toList()));
    }

    private void drawSpectral() {
        ChartOptions chart = new ChartOptions("iteration", "spectral radius ρ(W_h)", false);
        for (int i = 0; i < experimentRuns.size(); i++) {
            RunStore.Run run = experimentRuns.get(i);
            Map<String, List<double[]>> byMatrix = new LinkedHashMap<>();
            for (RunStore.Spectrum s : runs.spectra(run.id())) {
                s.matrices().forEach((matrix, values) -> byMatrix.computeIfAbsent(matrix, k -> new ArrayList<>())
                        .add(new double[] {s.iteration(), values.spectralRadius()}));
            }
            boolean first = true;
            for (Map.Entry<String, List<double[]>> e : byMatrix.entrySet()) {
                chart.line(label(run, i) + " " + e.getKey(), e.getValue().stream().mapToDouble(v -> v[0]).toArray(),
                        e.getValue().stream().mapToDouble(v -> v[1]).toArray(), first ? colour(i) : null, !first, false);
                first = false;
            }
        }
        spectral.setOption(chart.build());
    }

    /** Asks every arm that has a trained model for its top five next words and a short continuation. */
    void ask() {
        answers.removeAll();
        try {
            UiServices.limit(RateLimits.Action.PREDICT);
        } catch (RateLimits.Limited e) {
            answers.add(new Paragraph(e.getMessage()));
            return;
        }
        for (int i = 0; i < experimentRuns.size(); i++) {
            RunStore.Run run = experimentRuns.get(i);
            Div column = new Div(new H3(label(run, i)));
            column.addClassName("gl-answer");
            try {
                Predictor predictor = runs.predictor(run.id()).orElse(null);
                if (predictor == null) {
                    column.add(new Paragraph("No trained model yet (" + run.status() + ")."));
                } else {
                    Predictor.Prediction p = predictor.next(prefix.getValue(), 5);
                    OrderedList list = new OrderedList();
                    p.predictions().forEach(w -> list.add(new ListItem(String.format(Locale.ROOT, "%s — %.1f%%", w.word(), 100 * w.p()))));
                    column.add(list);
                    if (!p.unknown().isEmpty()) column.add(new Paragraph("Never seen in training: " + String.join(", ", p.unknown())));
                    column.add(new Paragraph("Continues: " + predictor.generate(prefix.getValue(), 8, 0, 1).text()));
                }
            } catch (SettingsException e) {
                column.add(new Paragraph(e.reason()));
            }
            answers.add(column);
        }
    }
}
