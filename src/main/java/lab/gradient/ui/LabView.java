package lab.gradient.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.VaadinService;
import com.vaadin.flow.server.VaadinServletRequest;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import lab.gradient.labs.LabException;
import lab.gradient.labs.LabService;
import lab.gradient.labs.LabSettings;
import lab.gradient.lessons.Lesson;
import lab.gradient.lessons.Lessons;
import lab.gradient.lessons.SweepGrid;
import lab.gradient.model.Lab;
import lab.gradient.model.LabRun;
import lab.gradient.model.MetricSeries;
import lab.gradient.model.Participant;
import lab.gradient.runs.OwnerTokens;
import lab.gradient.runs.RateLimits;
import lab.gradient.runs.RunService;
import lab.gradient.runs.RunStatus;
import lab.gradient.runs.SubmissionRefused;
import lab.gradient.sweeps.SweepService;
import lab.gradient.training.SettingsException;
import lab.gradient.training.TrainingResult;

/**
 * A lab's live dashboard, for its members: every student's runs with their numbers, a leaderboard, everyone's loss
 * and final gradient-flow profiles overlaid (coloured by model, so the class sees RNNs and LSTMs part ways), and for
 * the teacher the controls: cancel or delete any run, close the lab, export CSV. Who may do what is decided by
 * {@link LabService}, the same rules the API enforces.
 */
@Route(value = "labs/:labId", layout = MainLayout.class)
@PageTitle("Lab · Gradient Lab")
public class LabView extends VerticalLayout implements BeforeEnterObserver {
    static final String EVERYONE = "everyone";
    static final int REDRAW_SECONDS = 10;

    final H1 title = new H1();
    final Div header = new Div();
    final Div controls = new Div();
    final Select<String> student = new Select<>();
    final Grid<LabRun> grid = new Grid<>();
    final Grid<LabService.Standing> leaderboard = new Grid<>();
    final Chart loss = new Chart(), flow = new Chart();
    final Span startError = new Span();
    final Paragraph given = new Paragraph();
    final SweepPanel classSweep = new SweepPanel();
    final com.vaadin.flow.component.checkbox.Checkbox ensemble = new com.vaadin.flow.component.checkbox.Checkbox(
            "Each model as the class's median and middle half");

    private LabService labs;
    private RunService runs;
    private Lab lab;
    private LabService.Role role = LabService.Role.NONE;
    private List<String> identities = List.of();
    private String drawn;
    /** What the grid's rows show now, to set them only when it changes. */
    private String shownRows;
    private long drawnAt;
    private com.vaadin.flow.shared.Registration poll;

    public LabView() {
        setMaxWidth("1280px");
        student.setLabel("Student");
        student.setId("student-filter");
        student.addValueChangeListener(e -> refresh());
        grid.setId("lab-runs");
        startError.setId("lab-start-error");
        startError.addClassName("gl-error");
        startError.getElement().setAttribute("role", "alert");
        given.setId("lab-sweep-given");
        classSweep.setId("lab-sweep");
        leaderboard.setId("leaderboard");
        ensemble.setId("lab-ensemble");
        ensemble.addValueChangeListener(e -> {
            drawn = null;
            refresh();
        });
        loss.setId("chart-lab-loss");
        flow.setId("chart-lab-flow");
        grid.setAllRowsVisible(true);
        leaderboard.setAllRowsVisible(true);

        grid.addColumn(r -> r.student() == null ? "(teacher)" : r.student()).setHeader("Student").setAutoWidth(true);
        grid.addComponentColumn(r -> new Anchor("experiments/" + r.run().experimentId(), r.experimentName())).setHeader("Experiment").setAutoWidth(true);
        grid.addComponentColumn(r -> new Anchor("runs/" + r.run().id(), r.run().model())).setHeader("Model").setAutoWidth(true);
        grid.addComponentColumn(r -> {
            Span s = new Span(r.run().status());
            s.addClassName("gl-status");
            s.getElement().setAttribute("data-run", r.run().id());
            return s;
        }).setHeader("Status").setAutoWidth(true);
        grid.addColumn(r -> r.run().iterations() + " / " + r.run().totalIterations()).setHeader("Iterations");
        grid.addColumn(r -> SummaryText.of(r.run(), TrainingResult.Summary::valLoss)).setHeader("Validation loss");
        grid.addColumn(r -> SummaryText.longRangeAccuracy(r.run(), r.longRangeTask())).setHeader("Long-range accuracy")
                .setTooltipGenerator(r -> r.longRangeTask() ? null : SummaryText.NO_LONG_RANGE_TASK_TIP);
        grid.addColumn(r -> SummaryText.count(r.run(), TrainingResult.Summary::explodingEvents)).setHeader("Exploding events");
        // frozen to the right edge: on a phone the teacher reaches Cancel and Delete without scrolling the grid sideways
        grid.addComponentColumn(this::actions).setHeader("").setAutoWidth(true).setKey("actions").setFrozenToEnd(true);

        leaderboard.addColumn(s -> String.valueOf(leaderboard.getListDataView().getItems().toList().indexOf(s) + 1)).setHeader("#").setWidth("4em").setFlexGrow(0);
        leaderboard.addColumn(LabService.Standing::student).setHeader("Student");
        leaderboard.addColumn(LabService.Standing::model).setHeader("Best run's model");
        leaderboard.addColumn(s -> SummaryText.format(s.longRangeAccuracy())).setHeader("Long-range accuracy");
        leaderboard.addColumn(s -> SummaryText.format(s.valLoss())).setHeader("Validation loss");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        labs = UiServices.labs();
        runs = UiServices.runs();
        lab = labs.lab(event.getRouteParameters().get("labId").orElse("")).orElseThrow(NotFoundException::new);
        List<String> key = event.getLocation().getQueryParameters().getParameters().get("key");
        if (key != null && !key.isEmpty()) {
            // the teacher link: keep its token in an HttpOnly cookie, then take it out of the address bar and history
            if (OwnerTokens.sameOwner(OwnerTokens.ownerOf(key.get(0)), lab.teacher())) OwnerSession.addTeacherToken(key.get(0));
            UI.getCurrent().getPage().getHistory().replaceState(null, "labs/" + lab.id());
        }
        build();
    }

    private void build() {
        removeAll();
        identities = OwnerSession.identities();
        role = labs.role(lab, identities);
        title.setText(lab.name());
        add(title);
        if (role == LabService.Role.NONE) {
            // no join code or link here: whoever holds a run's link may find this page, and the code is the teacher's to give
            Paragraph p = new Paragraph("This lab's runs are for its teacher and students. To take part, ask the teacher for "
                    + "the lab's join code; a link to one run still opens read-only.");
            p.setId("lab-members-only");
            add(p);
            return;
        }
        header.removeAll();
        Span code = new Span(lab.joinCode());
        code.addClassName("gl-join-code");
        // inline, not in the theme: the theme is compiled into the committed production bundle
        code.getStyle().set("font-family", "var(--lumo-font-family-monospace, monospace)").set("font-size", "var(--lumo-font-size-xxl)")
                .set("font-weight", "700").set("letter-spacing", "0.15em");
        code.setId("join-code");
        header.add(new Paragraph(new Span("Join code "), code, new Span(" · students open /join/" + lab.joinCode()
                + (lab.open() ? "" : " · closed: no new students or experiments"))));
        controls.removeAll();
        HorizontalLayout row = new HorizontalLayout();
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        row.setWrap(true);
        LabSettings settings = labs.settings(lab);
        Lesson lesson = settings.lesson() == null ? null : Lessons.byId(settings.lesson()).orElseThrow();
        if (role == LabService.Role.STUDENT || role == LabService.Role.TEACHER) {
            Button train = settings.sweep() != null ? new Button("Start your point of the class sweep", e -> startSweepCell())
                    : lesson == null
                    ? new Button("New experiment in this lab", e -> UI.getCurrent().navigate("", QueryParameters.of("lab", lab.joinCode())))
                    : new Button("Start the lesson: " + lesson.title(), e -> startLesson(lesson));
            train.setId("lab-new-experiment");
            train.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            // a lesson's title is long: on a phone the button wraps it rather than widening the page (it was 592 px)
            train.addClassName("gl-guide");
            train.setEnabled(lab.open());
            row.add(train);
        }
        if (role == LabService.Role.TEACHER) {
            Button toggle = new Button(lab.open() ? "Close the lab" : "Open the lab", e -> {
                labs.setOpen(lab, !lab.open(), identities);
                lab = labs.lab(lab.id()).orElseThrow();
                build();
            });
            toggle.setId("lab-open-toggle");
            List<String> teacher = identities;
            Lab current = lab;
            Anchor export = new Anchor(DownloadHandler.fromInputStream(download -> {
                byte[] csv = labs.exportCsv(current, teacher).getBytes(StandardCharsets.UTF_8);
                return new DownloadResponse(new ByteArrayInputStream(csv), "lab-" + current.joinCode() + ".csv", "text/csv", csv.length);
            }), "Export results (CSV)");
            export.setId("lab-export");
            row.add(toggle, export);
            OwnerSession.teacherTokenFor(lab.teacher()).ifPresent(token -> {
                TextField link = new TextField("Your teacher link (keep it private: it opens these controls)");
                link.setValue(absolute("/labs/" + lab.id() + "?key=" + token));
                link.setReadOnly(true);
                link.setWidth("min(40em, 100%)");
                link.setId("teacher-link");
                controls.add(link);
            });
        }
        given.setText("");
        controls.add(row, startError, given);
        List<String> rules = new ArrayList<>();
        if (lesson != null) rules.add("the lesson \"" + lesson.title() + "\", as defined");
        SweepGrid sweepGrid = settings.sweepGrid();
        if (sweepGrid != null) {
            rules.add("the class sweep: " + String.join(", ", sweepGrid.modelIds()) + " at d = " + String.join(", ",
                    sweepGrid.distances().stream().map(String::valueOf).toList()) + ", " + sweepGrid.seeds()
                    + (sweepGrid.seeds() == 1 ? " seed" : " seeds") + " (" + sweepGrid.cells().size()
                    + " cells); each student who starts it is given the next cell");
        }
        if (settings.corpus() != null) rules.add("sentences: " + (settings.corpus().preset() != null ? settings.corpus().preset() : "the teacher's text"));
        if (settings.allowedModels() != null) rules.add("models: " + String.join(", ", settings.allowedModels()));
        if (settings.maxRunsPerStudent() != null) rules.add(settings.maxRunsPerStudent() + " runs per student");
        if (settings.maxEpochs() != null) rules.add("at most " + settings.maxEpochs() + " epochs");
        rules.add(settings.maxTrainingPerStudent() + " run" + (settings.maxTrainingPerStudent() == 1 ? "" : "s") + " training per student at a time");
        if (sweepGrid == null) rules.add(settings.seedPerStudent() ? "a seed per student (each seed plus your number in the class): the class is an ensemble"
                : "one seed for the class: an experiment someone has trained is ready at once for everyone");
        ensemble.setValue(settings.seedPerStudent());
        Paragraph rulesLine = new Paragraph("Rules: " + String.join(" · ", rules) + ".");
        rulesLine.addClassName("gl-caption");

        add(header, rulesLine, controls);
        classSweep.setVisible(sweepGrid != null);
        if (sweepGrid != null) add(classSweep);
        add(student, new H2("Runs"), grid, new H2("Leaderboard"),
                caption("Each student's best finished run: highest long-range accuracy, then lowest validation loss."), leaderboard,
                new H2("Everyone's loss"), caption("Training loss per word of every run, blue for vanilla RNNs, orange for LSTMs."), ensemble, loss,
                new H2("Everyone's gradient flow"), caption("‖∂L_T/∂x_{T−k}‖ at each run's last probe, on a log scale, "
                        + "blue for vanilla RNNs, orange for LSTMs: a line that falls by orders of magnitude with k is vanishing."), flow);
        drawn = null;
        refresh();
    }

    /** Gives this member the next cell of the class sweep, trained as their run; the charts below show it with the class's. */
    private void startSweepCell() {
        startError.setText("");
        given.removeAll();
        try {
            UiServices.limit(RateLimits.Action.EXPERIMENT);
            String sweepId = UiServices.sweeps().ofLab(lab).orElseThrow().id();
            SweepService.Point point = UiServices.sweeps().start(sweepId, OwnerSession.ownerIn(lab.joinCode()));
            given.add(new Span("You were given " + point.model() + " at d = " + point.distance() + ", seed " + point.seed() + ": "),
                    new Anchor("runs/" + point.runId(), "open your run"));
            refresh();
        } catch (SettingsException | SubmissionRefused | LabException e) {
            startError.setText(e.getMessage());
        }
    }

    /** Starts the lab's lesson for this member, exactly as the lesson defines it, and opens its page. */
    private void startLesson(Lesson lesson) {
        startError.setText("");
        try {
            UiServices.limit(RateLimits.Action.EXPERIMENT);
            UI.getCurrent().navigate("experiments/" + UiServices.lessons().startLesson(lesson, OwnerSession.ownerIn(lab.joinCode()), lab.joinCode()));
        } catch (SettingsException | SubmissionRefused | LabException e) {
            startError.setText(e.getMessage());
        }
    }

    /** A path as a full URL on the host this browser used, for a link to paste elsewhere. */
    static String absolute(String path) {
        if (VaadinService.getCurrentRequest() instanceof VaadinServletRequest request) {
            var http = request.getHttpServletRequest();
            String host = http.getHeader("Host");
            if (host != null) return http.getScheme() + "://" + host + path;
        }
        return path;
    }

    private static Paragraph caption(String text) {
        Paragraph p = new Paragraph(text);
        p.addClassName("gl-caption");
        return p;
    }

    private HorizontalLayout actions(LabRun r) {
        HorizontalLayout buttons = new HorizontalLayout();
        if (!runs.permissions().mayManage(r.run().owner(), r.run().lab(), identities)) return buttons;
        if (!RunStatus.of(r.run().status()).isFinal()) {
            Button cancel = new Button("Cancel", e -> {
                UiServices.refusalsShown(() -> runs.cancel(r.run().id(), OwnerSession.identities()));
                refresh();
            });
            cancel.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
            cancel.addClassName("gl-cancel");
            buttons.add(cancel);
        }
        Button delete = new Button("Delete", e -> Confirm.then("Delete this run?",
                (r.student() == null ? "This run" : r.student() + "'s run") + " and everything it recorded are removed for good.",
                "Delete", () -> {
                    UiServices.refusalsShown(() -> runs.delete(r.run().id(), OwnerSession.identities()));
                    drawn = null;
                    refresh();
                }));
        delete.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        delete.addClassName("gl-delete");
        buttons.add(delete);
        return buttons;
    }

    /** Re-reads the lab's runs; redraws the overlays only when some run moved on. */
    void refresh() {
        if (role == LabService.Role.NONE) return;
        List<Participant> participants = labs.participants(lab, identities);
        List<String> names = new ArrayList<>(List.of(EVERYONE));
        participants.forEach(p -> names.add(p.name()));
        String chosen = student.getValue();
        if (!names.equals(student.getListDataView().getItems().toList())) {
            student.setItems(names);
            student.setValue(chosen != null && names.contains(chosen) ? chosen : EVERYONE);
            return; // setting the value refreshes
        }
        String filter = EVERYONE.equals(student.getValue()) || student.getValue() == null ? null : student.getValue();
        List<LabRun> all = labs.runs(lab, identities, null);
        List<LabRun> shown = filter == null ? all : all.stream().filter(r -> filter.equals(r.student())).toList();
        // set the rows only when what they show changed: setting them anew replaces every row's buttons, and a click
        // that lands on one as a poll replaces it is lost (the teacher's Delete did nothing)
        String rows = shown.stream().map(r -> r.run().id() + ":" + r.run().status() + ":" + r.run().iterations() + ":"
                + r.run().summary() + ":" + r.student() + ":" + r.experimentName()).reduce(identities + "", (a, b) -> a + "|" + b);
        if (!rows.equals(shownRows)) {
            shownRows = rows;
            grid.setItems(shown);
            leaderboard.setItems(LabService.leaderboard(all));
        }
        if (classSweep.isVisible()) UiServices.sweeps().ofLab(lab).ifPresent(classSweep::show);
        // the overlays read every shown run's series: redraw when a run starts, ends or goes, and otherwise at most
        // every REDRAW_SECONDS while runs train, so 30 open dashboards do not re-read 60 runs every poll
        String signature = filter + "|" + shown.stream().map(r -> r.run().id() + ":" + r.run().status()).reduce("", String::concat);
        boolean training = shown.stream().anyMatch(r -> RunStatus.RUNNING.id().equals(r.run().status()));
        boolean stale = training && System.nanoTime() - drawnAt > REDRAW_SECONDS * 1_000_000_000L;
        if (Objects.equals(signature, drawn) && !stale) return;
        drawn = signature;
        drawnAt = System.nanoTime();
        drawOverlays(shown);
    }

    private static String colour(String model) {
        return model.equals("lstm") ? ChartOptions.COLOURS.get(1) : model.equals("rnn") ? ChartOptions.COLOURS.get(0)
                : ChartOptions.COLOURS.get(2 + Math.abs(model.hashCode()) % (ChartOptions.COLOURS.size() - 2));
    }

    private void drawOverlays(List<LabRun> shown) {
        List<MetricSeries> series = runs.metrics(shown.stream().map(r -> r.run().id()).toList());
        if (ensemble.getValue()) {
            // the class as an ensemble: per model, the median run and the band of the middle half of the class
            Map<String, List<Integer>> byModel = new java.util.LinkedHashMap<>();
            for (int i = 0; i < shown.size(); i++) byModel.computeIfAbsent(shown.get(i).run().model(), k -> new ArrayList<>()).add(i);
            List<OverlayCharts.Group> groups = new ArrayList<>();
            byModel.forEach((model, indices) -> groups.add(new OverlayCharts.Group(model, colour(model),
                    indices.stream().map(series::get).toList(), indices.stream().map(i -> runs.gradientFlow(shown.get(i).run().id()))
                            .filter(f -> !f.isEmpty()).map(f -> f.get(f.size() - 1).norms()).toList())));
            loss.setOption(OverlayCharts.bands(groups, "loss", "loss per word", false, 0.9));
            flow.setOption(OverlayCharts.bands(groups, "flow", "‖∂L_T/∂x_{T−k}‖", true, 0));
            return;
        }
        List<OverlayCharts.Line> lines = new ArrayList<>();
        for (int i = 0; i < shown.size(); i++) {
            LabRun r = shown.get(i);
            lines.add(new OverlayCharts.Line((r.student() == null ? "teacher" : r.student()) + " · " + r.run().model(),
                    colour(r.run().model()), series.get(i), runs.gradientFlow(r.run().id()), List.of()));
        }
        loss.setOption(OverlayCharts.classLoss(lines));
        flow.setOption(OverlayCharts.classFlow(lines));
    }

    @Override
    protected void onAttach(AttachEvent event) {
        event.getUI().setPollInterval(2000);
        poll = event.getUI().addPollListener(e -> refresh());
    }

    @Override
    protected void onDetach(DetachEvent event) {
        event.getUI().setPollInterval(-1);
        if (poll != null) poll.remove();
    }
}
