package lab.gradient.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
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
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import lab.gradient.lessons.Lesson;
import lab.gradient.lessons.LessonService;
import lab.gradient.model.Experiment;
import lab.gradient.model.Flow;
import lab.gradient.model.Run;
import lab.gradient.model.Validation;
import lab.gradient.runs.ArmLabels;
import lab.gradient.runs.QueueForecast;
import lab.gradient.runs.RunDiagnosis;
import lab.gradient.runs.RunEvent;
import lab.gradient.runs.RunRecords;
import lab.gradient.runs.RunService;
import lab.gradient.runs.RunStatus;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.Prediction;
import lab.gradient.training.Regime;
import lab.gradient.training.TrainingSettings;

/**
 * One experiment, its arms overlaid: status and progress, the charts that fill while the models train, a diagnosis
 * in the notes' words, and the next-word panel. Anyone with the link sees it; only the owner may cancel.
 */
@Route(value = "experiments/:experimentId", layout = MainLayout.class)
@PageTitle("Experiment · Gradient Lab")
public class ExperimentView extends VerticalLayout implements BeforeEnterObserver {
    final H1 title = new H1();
    final Paragraph corpusLine = new Paragraph();
    final HorizontalLayout runCards = new HorizontalLayout();
    final Div diagnosis = new Div();
    final Chart loss = new Chart(), gradNorm = new Chart(), flow = new Chart(), heatmap = new Chart(), spectral = new Chart();
    final Select<String> heatmapRun = new Select<>();
    final TextField prefix = new TextField("Ask for the next word after…");
    final HorizontalLayout answers = new HorizontalLayout();
    final SentenceXray xray = new SentenceXray();
    final Div config = new Div();
    final HorizontalLayout actions = new HorizontalLayout();
    /** The lesson's claim and where to look, when the experiment is a guided lesson. */
    final Div lessonBox = new Div();
    /** A lesson started on a group of seeds: its verdict on each seed and each check counted over them. */
    final Div seedGroup = new Div();
    /** The group's arms as spreads over its seeds: each arm's median line and the band of its middle half. */
    final Chart seedLoss = new Chart(), seedFlow = new Chart(), seedRatio = new Chart(), seedAccuracy = new Chart();
    private List<LessonService.SeedRun> group = List.of();
    /** How many of the group's seeds had finished when the panel was last drawn: it is redrawn when one more has. */
    private int groupFinishedDrawn = -1, groupTicks;
    /** Each chart's caption by chart id: the lesson's where it has one, else what the chart shows for any arms. */
    final Map<String, Paragraph> captions = new LinkedHashMap<>();
    /** Each chart's numbers in words, by chart id: what a screen reader reads for it and a student can copy. */
    final Map<String, Paragraph> summaries = new LinkedHashMap<>();
    private com.vaadin.flow.shared.Registration pollRegistration;

    RunService runs;
    Experiment experiment;
    List<Run> experimentRuns = List.of();
    List<String> armLabels = List.of();
    boolean owner;
    private final Map<String, RunEvent.Progress> progress = new ConcurrentHashMap<>();
    /** What each run has recorded, read once and then grown by the batches its events carry. */
    final Map<String, RunRecords> records = new LinkedHashMap<>();
    /** Batches heard on training threads, appended on this page's own thread at its next tick. */
    private final Queue<RunEvent.Metrics> arrived = new ConcurrentLinkedQueue<>();
    private final List<AutoCloseable> subscriptions = new ArrayList<>();
    private volatile boolean dirty;
    static final int QUEUE_REFRESH_TICKS = 5;
    private int quietTicks;
    /** A run's status changed (or the heatmap's arm): the diagnosis and charts are redrawn even without new records. */
    private volatile boolean redrawAll;

    public ExperimentView() {
        setMaxWidth("1280px");
        runCards.setWrap(true);
        diagnosis.addClassName("gl-diagnosis");
        diagnosis.getElement().setAttribute("aria-live", "polite");
        heatmapRun.setLabel("Heatmap of");
        heatmapRun.addValueChangeListener(e -> {
            redrawAll = true;
            dirty = true;
        });
        prefix.setWidth("min(28em, 100%)");
        prefix.setId("prefix");
        loss.setId("chart-loss");
        gradNorm.setId("chart-grad-norm");
        flow.setId("chart-flow");
        heatmap.setId("chart-heatmap");
        spectral.setId("chart-spectral");
        diagnosis.setId("diagnosis");
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
        seedGroup.setId("seed-group");
        seedLoss.setId("chart-seed-loss");
        seedFlow.setId("chart-seed-flow");
        seedRatio.setId("chart-seed-ratio");
        seedAccuracy.setId("chart-seed-accuracy");
        seedGroup.addClassName("gl-lesson");
        seedGroup.setVisible(false);
        add(title, corpusLine, lessonBox, seedGroup, actions, runCards,
                new H2("Diagnosis"), diagnosis,
                section("loss", "Loss", loss),
                section("gradNorm", "Gradient norm", gradNorm),
                section("flow", "Gradient flow through time", flow),
                section("heatmap", "Gradient flow over training", heatmapRun, heatmap),
                section("spectral", "Recurrent matrix: spectral radius and largest singular value", spectral),
                new H2("Next word"), askRow, answers,
                new H2("Inside one sentence"), xray,
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
                "heatmap", "The same for every probe, steps back × iteration, coloured by log₁₀ of the norm: dark blue is vanished, red is the strongest.",
                "spectral", "W_h over training: solid, its spectral radius ρ (largest |eigenvalue|); dashed, its largest singular "
                        + "value σ_max. Each factor ∂o_t/∂o_{t−1} is W_h scaled by the activation's slope, at most 1 here, so with "
                        + "σ_max < 1 the product must shrink. ρ < 1 alone does not promise that (the factors differ word to word), and "
                        + "ρ > 1 is needed for W_h's own powers to grow (Pascanu, Mikolov & Bengio 2013).");
    }

    private Div section(String chartId, String heading, com.vaadin.flow.component.Component... content) {
        Div div = new Div(new H3(heading));
        Paragraph p = new Paragraph(genericCaptions().get(chartId));
        p.addClassName("gl-caption");
        p.setId("caption-" + chartId);
        captions.put(chartId, p);
        div.add(p);
        div.add(content);
        if (!chartId.equals("heatmap")) {
            // the chart is a picture to a screen reader; its numbers are read from the paragraph below it
            for (com.vaadin.flow.component.Component c : content) {
                if (c instanceof Chart chart) chart.getElement().setAttribute("role", "img").setAttribute("aria-label", heading)
                        .setAttribute("aria-describedby", "summary-" + chartId);
            }
            Paragraph summary = new Paragraph();
            summary.addClassName("gl-chart-summary");
            summary.setId("summary-" + chartId);
            summaries.put(chartId, summary);
            div.add(summary);
        }
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
        experimentRuns = runs.runsOfExperiment(experiment.id());
        armLabels = ArmLabels.of(experimentRuns);
        // a start of one of the run's own sentences: every word one the models were trained on (a fixed "marathi is
        // spoken in" was half unknown words on the long-range task)
        if (prefix.isEmpty() && !experimentRuns.isEmpty()) prefix.setValue(runs.exampleSentence(experimentRuns.get(0)));
        xray.show(runs, experimentRuns, java.util.stream.IntStream.range(0, experimentRuns.size())
                .mapToObj(i -> label(experimentRuns.get(i), i)).toList(), java.util.stream.IntStream.range(0, experimentRuns.size())
                .mapToObj(this::colour).toList());
        owner = runs.permissions().mayManage(experiment.owner(), experiment.lab(), OwnerSession.identities());
        title.setText(experiment.name());
        Optional<Lesson> lesson = UiServices.lessons().lesson(experiment.lesson());
        lessonBox.removeAll();
        lessonBox.setVisible(lesson.isPresent());
        lesson.ifPresent(l -> lessonBox.add(new Paragraph("The notes' claim: " + l.claim()), new Paragraph("What to look at: " + l.whatToLookAt()),
                new Paragraph("Honestly: " + l.honestly())));
        captions.forEach((id, p) -> p.setText(lesson.map(l -> l.captions().get(id)).orElse(genericCaptions().get(id))));
        group = lesson.flatMap(l -> UiServices.lessons().group(experiment.id())).orElse(List.of());
        groupFinishedDrawn = -1;
        showSeedGroup();
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
        // a point of a sweep leads back to the sweep it is one point of
        UiServices.sweeps().ofExperiment(experiment.id()).ifPresent(sweep -> {
            Anchor back = new Anchor("sweeps/" + sweep.id(), "A point of the sweep \u201c" + sweep.name() + "\u201d: see it beside the others");
            back.setId("sweep-of-experiment");
            actions.add(back);
        });
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
        // the same view may be re-entered for another experiment while it stays attached
        if (isAttached()) follow();
    }

    @Override
    protected void onAttach(AttachEvent event) {
        // the page opens at its top (progress and diagnosis), not at the scroll position of the form that started it
        event.getUI().getPage().executeJs("window.scrollTo(0, 0)");
        follow();
        event.getUI().setPollInterval(1000);
        pollRegistration = event.getUI().addPollListener(e -> tick());
    }

    /** Listens to the experiment's runs, reads what they recorded so far, and draws it. */
    private void follow() {
        unsubscribe();
        arrived.clear();
        for (Run run : experimentRuns) {
            subscriptions.add(runs.events().subscribe(run.id(), run.trainingId(), e -> {
                if (e instanceof RunEvent.Progress p) progress.put(p.runId(), p);
                if (e instanceof RunEvent.Metrics m) arrived.add(m);
                if (e instanceof RunEvent.Status) redrawAll = true;
                dirty = true;
            }));
        }
        // read after subscribing: a batch written in between is both read and heard, and appending skips it once
        records.clear();
        for (Run run : experimentRuns) records.put(run.id(), runs.records(run.id()));
        refresh();
        showSettings();
    }

    /**
     * Once a second: appends the batches heard since the last tick and redraws, or does nothing at all when no run
     * said anything. The database is not read for what the events carried.
     */
    void tick() {
        // the group's other seeds send this page no events: how many have finished is read again every few seconds
        if (!group.isEmpty() && groupFinishedDrawn < group.size() && ++groupTicks % QUEUE_REFRESH_TICKS == 0) showSeedGroup();
        // a waiting run hears nothing until it starts: its place in line is read again every few seconds
        if (!dirty && ++quietTicks % QUEUE_REFRESH_TICKS == 0
                && experimentRuns.stream().anyMatch(r -> RunStatus.QUEUED.id().equals(r.status()))) {
            refreshCards();
        }
        if (!dirty) return;
        dirty = false;
        boolean grew = redrawAll;
        redrawAll = false;
        for (RunEvent.Metrics batch; (batch = arrived.poll()) != null; ) {
            RunRecords r = records.get(batch.runId());
            if (r != null && r.append(batch)) grew = true;
        }
        // progress alone moves the cards; the diagnosis and the charts wait for new records or a new status
        if (grew) refresh();
        else refreshCards();
    }

    @Override
    protected void onDetach(DetachEvent event) {
        event.getUI().setPollInterval(-1);
        if (pollRegistration != null) pollRegistration.remove();
        unsubscribe();
    }

    private void unsubscribe() {
        for (AutoCloseable s : subscriptions) {
            try {
                s.close();
            } catch (Exception ignored) {
                // nothing to clean up beyond the subscription itself
            }
        }
        subscriptions.clear();
    }

    /**
     * The lesson's verdict over its group of seeds, in the words of its signature: each check counted over the seeds that
     * have finished, each seed's verdict with a link to its page. Drawn again only when another seed has finished.
     */
    void showSeedGroup() {
        seedGroup.setVisible(!group.isEmpty());
        if (group.isEmpty()) return;
        LessonService lessons = UiServices.lessons();
        int finished = lessons.finishedSeeds(group);
        if (finished == groupFinishedDrawn) return;
        groupFinishedDrawn = finished;
        Lesson lesson = lessons.lesson(experiment.lesson()).orElseThrow();
        LessonService.GroupVerdict verdict = lessons.verdict(lesson, group);
        long first = group.get(0).seed(), last = group.get(group.size() - 1).seed();
        seedGroup.removeAll();
        // in a lab the group is the class's: its own five seeds, or a seed per student (not consecutive)
        seedGroup.add(new H2((experiment.lab() != null ? "The class on " : "On ") + group.size() + " seeds ("
                + (last - first + 1 == group.size() ? first + "–" + last : group.stream().map(g -> String.valueOf(g.seed())).collect(java.util.stream.Collectors.joining(", "))) + ")"));
        Paragraph summary = new Paragraph(SeedGroupWords.summary(verdict, group.size()));
        summary.setId("seed-group-summary");
        seedGroup.add(summary);
        for (LessonService.CheckCount c : verdict.counts()) {
            Paragraph line = new Paragraph(SeedGroupWords.count(c));
            line.addClassName("gl-seed-count");
            seedGroup.add(line);
        }
        HorizontalLayout seeds = new HorizontalLayout();
        seeds.setWrap(true);
        for (LessonService.SeedVerdict v : verdict.seeds()) {
            String text = "seed " + v.seed() + ": " + (!v.finished() ? "training" : v.holds() ? "✓ holds" : "✗ does not hold");
            com.vaadin.flow.component.Component link = v.experimentId().equals(experiment.id()) ? new Span(text + " (this page)")
                    : new Anchor("experiments/" + v.experimentId(), text);
            seeds.add(link);
        }
        seedGroup.add(seeds);
        drawSeedBands(verdict);
        Paragraph caption = new Paragraph("Each arm over the seeds that have finished: its median (solid) and the middle half "
                + "of its seeds (shaded, or dashed on the log axis): the loss, the gradient reaching k steps back at the last "
                + "probe, the share g(d)/g(0) that reaches the distance the task needs at every probe"
                + (experiment.corpus().isLongRange() ? ", and the accuracy on the far key at every evaluation" : "")
                + ". Where two arms' bands stay apart, the difference is not one seed's luck.");
        caption.addClassName("gl-caption");
        seedGroup.add(caption, seedLoss, seedFlow, seedRatio);
        if (experiment.corpus().isLongRange()) seedGroup.add(seedAccuracy);
    }

    /**
     * Per arm, its runs on the finished seeds as bands: the loss, the gradient flow at their last probe, g(d)/g(0) at
     * every probe, and on the long-range task the accuracy on the key at every evaluation.
     */
    private void drawSeedBands(LessonService.GroupVerdict verdict) {
        Map<Integer, List<Run>> byArm = new java.util.TreeMap<>();
        for (LessonService.SeedVerdict v : verdict.seeds()) {
            if (!v.finished()) continue;
            for (Run run : runs.runsOfExperiment(v.experimentId())) byArm.computeIfAbsent(run.arm(), k -> new ArrayList<>()).add(run);
        }
        List<OverlayCharts.Group> arms = new ArrayList<>();
        byArm.forEach((arm, armRuns) -> arms.add(new OverlayCharts.Group(arm < armLabels.size() ? armLabels.get(arm) : armRuns.get(0).model(),
                colour(arm), runs.metrics(armRuns.stream().map(Run::id).toList()),
                armRuns.stream().map(r -> runs.gradientFlow(r.id())).filter(f -> !f.isEmpty()).map(f -> f.get(f.size() - 1).norms()).toList())));
        seedLoss.setOption(OverlayCharts.bands(arms, "loss", "loss per word", false, 0.9));
        seedFlow.setOption(OverlayCharts.bands(arms, "flow", "‖∂L_T/∂x_{T−k}‖ at the last probe", true, 0));
        List<OverlayCharts.PointGroup> ratios = new ArrayList<>(), accuracies = new ArrayList<>();
        byArm.forEach((arm, armRuns) -> {
            String name = arm < armLabels.size() ? armLabels.get(arm) : armRuns.get(0).model();
            List<ClassBand.Points> ratio = new ArrayList<>(), accuracy = new ArrayList<>();
            for (Run r : armRuns) {
                List<Flow> flows = runs.gradientFlow(r.id());
                ratio.add(new ClassBand.Points(flows.stream().mapToInt(Flow::iteration).toArray(),
                        RunDiagnosis.flowRatios(flows, RunDiagnosis.distance(r.settings(), experiment.corpus()))));
                List<Validation> v = runs.validations(r.id());
                accuracy.add(new ClassBand.Points(v.stream().mapToInt(Validation::iteration).toArray(),
                        v.stream().mapToDouble(Validation::longRangeAccuracy).toArray()));
            }
            ratios.add(new OverlayCharts.PointGroup(name, colour(arm), ratio));
            accuracies.add(new OverlayCharts.PointGroup(name, colour(arm), accuracy));
        });
        int d = RunDiagnosis.distance(experimentRuns.get(0).settings(), experiment.corpus());
        seedRatio.setOption(OverlayCharts.pointBands(ratios, "g(" + d + ")/g(0) over training", true));
        seedAccuracy.setOption(OverlayCharts.pointBands(accuracies, "long-range accuracy", false));
    }

    /** Re-reads the runs' status and progress (one query) and redraws everything from the records held. */
    void refresh() {
        refreshCards();
        diagnosis.removeAll();
        for (int i = 0; i < experimentRuns.size(); i++) {
            Run run = experimentRuns.get(i);
            Div block = new Div(new H3(label(run, i)));
            for (String line : runs.diagnosis(run, experiment.corpus(), records.get(run.id())).lines()) block.add(new Paragraph(line));
            diagnosis.add(block);
        }
        // while a run trains, lines carry fewer points: the page is redrawn every second, for every open page
        boolean live = experimentRuns.stream().anyMatch(r -> !RunStatus.of(r.status()).isFinal());
        int points = live ? ExperimentCharts.LIVE_POINTS : ExperimentCharts.MAX_POINTS;
        List<ExperimentCharts.Arm> arms = new ArrayList<>();
        for (int i = 0; i < experimentRuns.size(); i++) {
            Run run = experimentRuns.get(i);
            arms.add(new ExperimentCharts.Arm(label(run, i), colour(i), records.get(run.id()).metrics(), records.get(run.id())));
        }
        List<ChartSummaries.Arm> named = new ArrayList<>();
        for (int i = 0; i < experimentRuns.size(); i++) named.add(new ChartSummaries.Arm(label(experimentRuns.get(i), i), experimentRuns.get(i).summary()));
        summaries.get("loss").setText(ChartSummaries.loss(named));
        summaries.get("gradNorm").setText(ChartSummaries.gradNorm(named));
        summaries.get("flow").setText(ChartSummaries.flow(named));
        summaries.get("spectral").setText(ChartSummaries.spectral(named));
        loss.setOption(ExperimentCharts.loss(arms, points));
        gradNorm.setOption(ExperimentCharts.gradNorm(arms, points));
        flow.setOption(ExperimentCharts.flow(arms));
        drawHeatmap(arms);
        spectral.setOption(ExperimentCharts.spectral(arms));
    }

    /** The runs' cards: status, progress and time left, from one query. */
    private void refreshCards() {
        experimentRuns = runs.runsOfExperiment(experiment.id());
        armLabels = ArmLabels.of(experimentRuns);
        // a start of one of the run's own sentences: every word one the models were trained on (a fixed "marathi is
        // spoken in" was half unknown words on the long-range task)
        if (prefix.isEmpty() && !experimentRuns.isEmpty()) prefix.setValue(runs.exampleSentence(experimentRuns.get(0)));
        // a run the page has not heard of yet (none while the experiment's arms are fixed) is read once
        for (Run r : experimentRuns) records.computeIfAbsent(r.id(), runs::records);
        runCards.removeAll();
        for (int i = 0; i < experimentRuns.size(); i++) runCards.add(card(experimentRuns.get(i), i));
    }

    /** Each arm's settings in one line: they never change, so they are written once per experiment. */
    private void showSettings() {
        config.removeAll();
        for (int i = 0; i < experimentRuns.size(); i++) {
            Run run = experimentRuns.get(i);
            TrainingSettings s = run.settings();
            config.add(new Paragraph(String.format(Locale.ROOT, "%s: hidden %d · layers %d · window %d · batch %d · %s %.3g · "
                            + "W_h starts %s ×%.2g · clipping %s%s · seed %d", label(run, i), s.hidden, s.layers, s.window, s.batch,
                    TrainingSettings.lower(s.optimizer), s.learningRate, TrainingSettings.lower(s.init), s.initScale,
                    TrainingSettings.lower(s.clip), s.clip == TrainingSettings.ClipMode.NONE ? "" : " at " + s.clipThreshold, s.seed)
                    + (run.model().equals("rnn-skip") ? " · top layer reads h_{t−" + s.skip + "}" : "")
                    + (run.model().equals("lstm") ? String.format(Locale.ROOT, " · forget bias %.2g", s.forgetBias) : "")));
        }
    }

    /** "about 2 min left", or "estimating…" while the run has not timed enough of its steps. */
    static String timeLeft(double seconds) {
        if (!Double.isFinite(seconds)) return "estimating time left…";
        if (seconds < 90) return String.format(Locale.ROOT, "about %.0f s left", Math.max(1, seconds));
        return String.format(Locale.ROOT, "about %.0f min left", seconds / 60);
    }

    /**
     * " · 3rd in line · starts in about 2 min (1 – 3 min)" for a queued run, " · after your earlier run · …" for one
     * that takes its place in line when its owner's earlier run starts or ends (no time until this server knows its pace).
     */
    static String inLine(QueueForecast.Place place) {
        String line;
        if (place.position() == null) {
            int ahead = place.ownRunsAhead();
            line = ahead == 0 ? " · waiting for a worker" : ahead == 1 ? " · after your earlier run" : " · after " + ahead + " of your earlier runs";
        } else {
            int n = place.position();
            String suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : switch (n % 10) {
                case 1 -> "st";
                case 2 -> "nd";
                case 3 -> "rd";
                default -> "th";
            };
            line = n == 1 ? " · next in line" : " · " + n + suffix + " in line";
        }
        double s = place.startsInSeconds();
        if (!Double.isFinite(s)) return line;
        if (place.latestSeconds() < 5) return line + " · starting now";
        return line + " · starts in about " + duration(s) + range(place);
    }

    /** " (10 s – 1 min)": when it may start at this server's quicker and slower paces, if they differ enough to say. */
    private static String range(QueueForecast.Place place) {
        double a = place.earliestSeconds(), b = place.latestSeconds();
        if (!Double.isFinite(a) || !Double.isFinite(b) || duration(a).equals(duration(b))) return "";
        return " (" + duration(a) + " – " + duration(b) + ")";
    }

    private static String duration(double seconds) {
        return seconds < 90 ? String.format(Locale.ROOT, "%.0f s", seconds) : String.format(Locale.ROOT, "%.0f min", seconds / 60);
    }

    /** The heatmap shows one arm at a time, the one picked above it. */
    private void drawHeatmap(List<ExperimentCharts.Arm> arms) {
        List<String> labels = arms.stream().map(ExperimentCharts.Arm::label).toList();
        if (!labels.equals(new ArrayList<>(heatmapRun.getListDataView().getItems().toList()))) {
            String selected = heatmapRun.getValue();
            heatmapRun.setItems(labels);
            heatmapRun.setValue(selected != null && labels.contains(selected) ? selected : labels.isEmpty() ? null : labels.get(0));
        }
        int arm = labels.indexOf(heatmapRun.getValue());
        if (arm >= 0) heatmap.setOption(ExperimentCharts.heatmap(arms.get(arm)));
    }

    /** "1. rnn-relu, no clipping": the arm's number and what sets it apart from the other arms. */
    String label(Run run, int arm) {
        return (arm + 1) + ". " + (arm < armLabels.size() ? armLabels.get(arm) : run.model());
    }

    private String colour(int arm) {
        return ChartOptions.COLOURS.get(arm % ChartOptions.COLOURS.size());
    }

    private Div card(Run run, int arm) {
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
        bar.getElement().setAttribute("aria-label", name.getText() + ": training progress");
        String waiting = runs.queuePlace(run).map(ExperimentView::inLine).orElse("");
        Span eta = new Span(total == 0 ? "" : String.format(Locale.ROOT, "iteration %d of %d%s%s", iteration, total,
                p != null && run.status().equals("running") ? " · " + timeLeft(p.etaSeconds()) : "", waiting));
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

    /** Asks every arm that has a trained model for its top five next words and a short continuation. */
    void ask() {
        // per arm a prediction and a continuation, as the API counts /predict and /generate
        ArmColumns.fill(answers, experimentRuns.size(), 2, "gl-answer", i -> label(experimentRuns.get(i), i), (column, i) -> {
            Run run = experimentRuns.get(i);
            Prediction p = runs.predict(run.id(), prefix.getValue(), 5).orElse(null);
            if (p == null) {
                column.add(new Paragraph("No trained model yet (" + run.status() + ")."));
                return;
            }
            OrderedList list = new OrderedList();
            p.predictions().forEach(w -> list.add(new ListItem(String.format(Locale.ROOT, "%s — %.1f%%", w.word(), 100 * w.p()))));
            column.add(list);
            if (!p.unknown().isEmpty()) column.add(new Paragraph("Never seen in training: " + String.join(", ", p.unknown())));
            column.add(new Paragraph("Continues: " + runs.generate(run.id(), prefix.getValue(), 8, 0, 1).orElseThrow().text()));
        });
    }

}
