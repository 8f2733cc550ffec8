package lab.gradient.ui;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vaadin.flow.component.HasValue;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import lab.gradient.labs.LabException;
import lab.gradient.labs.LabService;
import lab.gradient.labs.LabSettings;
import lab.gradient.lessons.Lesson;
import lab.gradient.lessons.Lessons;
import lab.gradient.lessons.SweepLesson;
import lab.gradient.model.Json;
import lab.gradient.model.Lab;
import lab.gradient.model.Run;
import lab.gradient.runs.ExperimentRequests;
import lab.gradient.runs.RateLimits;
import lab.gradient.runs.RunService;
import lab.gradient.runs.SubmissionRefused;
import lab.gradient.training.Corpus;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.ModelKind;
import lab.gradient.training.SettingsException;
import lab.gradient.training.TrainingSettings;

/**
 * Build an experiment: the sentences, the models to compare and their settings. The form is written as the same
 * JSON the API takes and parsed by the same code, so both refuse the same things with the same words.
 */
@Route(value = "", layout = MainLayout.class)
@PageTitle("Gradient Lab")
public class NewExperimentView extends VerticalLayout implements BeforeEnterObserver {
    static final String OWN_TEXT = "my sentences";

    final TextField name = new TextField("Experiment name");
    final RadioButtonGroup<String> source = new RadioButtonGroup<>("Sentences");
    final TextArea text = new TextArea("Your sentences");
    final Span counts = new Span();
    final IntegerField distance = new IntegerField("Distance d");
    final VerticalLayout arms = new VerticalLayout();
    final List<ArmRow> armRows = new ArrayList<>();
    final IntegerField iterations = new IntegerField("Iterations");
    final IntegerField window = new IntegerField("Window T");
    final IntegerField hidden = new IntegerField("Hidden units");
    final IntegerField epochs = new IntegerField("Epochs");
    final IntegerField batch = new IntegerField("Batch");
    final IntegerField embedding = new IntegerField("Embedding size");
    final IntegerField layers = new IntegerField("Layers");
    final Select<String> optimizer = new Select<>();
    final NumberField learningRate = new NumberField("Learning rate");
    final NumberField decay = new NumberField("Learning-rate decay per epoch");
    final Select<String> init = new Select<>();
    final NumberField initScale = new NumberField("Init scale");
    final IntegerField probeEvery = new IntegerField("Probe every");
    final TextField seed = new TextField("Seed");
    final Span error = new Span();
    /** The run's length as it will run: iterations, and what that is in passes over the sentences. */
    final Span length = new Span();
    final Button train = new Button("Train");
    final Span labBanner = new Span();
    final H2 guidedHeading = new H2("Guided experiments");
    HorizontalLayout guided;
    /** The design-your-own form: hidden in a lab that runs one lesson. */
    final VerticalLayout form = new VerticalLayout();
    /** What each settings field showed before the user touched it: a field still showing it is not sent. */
    final Map<HasValue<?, ?>, Object> shownDefaults = new HashMap<>();
    /** A forked run's stored settings per arm (request format): every arm starts from them, not from the model's defaults. */
    List<ObjectNode> forkedArms = List.of();
    /** The lab this experiment goes to (its join code), or null. */
    String labCode;
    List<String> allowedModels = Arrays.stream(ModelKind.values()).map(k -> k.id).toList();

    /** One arm: a model, and optionally its own clipping. */
    final class ArmRow extends HorizontalLayout {
        final Select<String> model = new Select<>();
        final Select<String> clip = new Select<>();
        final NumberField threshold = new NumberField("Clip threshold");
        final NumberField rate = new NumberField("Learning rate (this arm)");
        final Button remove = new Button("Remove");

        ArmRow(String modelId) {
            model.setLabel("Model");
            model.setItems(allowedModels);
            model.setItemLabelGenerator(id -> id + " — " + ModelKind.of(id).description);
            model.setValue(allowedModels.contains(modelId) ? modelId : allowedModels.get(0));
            model.setWidth("min(26em, 100%)");
            clip.setLabel("Gradient clipping");
            clip.setItems(Arrays.stream(TrainingSettings.ClipMode.values()).map(TrainingSettings::lower).toList());
            clip.setValue("none");
            threshold.setValue(1.0);
            threshold.setWidth("8em");
            rate.setWidth("12em");
            remove.addClickListener(e -> {
                armRows.remove(this);
                arms.remove(this);
                updateLength();
            });
            this.model.addValueChangeListener(e -> updateLength());
            setAlignItems(FlexComponent.Alignment.BASELINE);
            setWrap(true);
            add(model, clip, threshold, rate, remove);
        }
    }

    public NewExperimentView() {
        setMaxWidth("1100px");
        add(new H1("New experiment"), new Paragraph("Type sentences, pick the models, press Train: the vanilla RNN and the "
                + "LSTM learn side by side, and the charts show how much gradient reaches the words far back."));

        labBanner.setId("lab-banner");
        labBanner.addClassName("gl-lab-banner");
        labBanner.getStyle().set("font-weight", "600").set("color", "var(--lumo-primary-text-color)");
        labBanner.setVisible(false);
        add(labBanner, guidedHeading);
        guided = new HorizontalLayout();
        for (Lesson lesson : Lessons.all()) guided.add(lessonCard(lesson));
        guided.add(sweepCard());
        guided.setWrap(true);
        add(guided);
        form.setPadding(false);

        form.add(new H2("Sentences"));
        source.setItems(OWN_TEXT, "seed-examples", "long-range", "english-prose");
        source.setValue(OWN_TEXT);
        source.addValueChangeListener(e -> sourceChanged());
        text.setWidthFull();
        text.setMinHeight("10em");
        text.setPlaceholder("Marathi is spoken in Maharashtra. I went there last year but could not enjoy it because I do not understand Marathi.");
        text.setValueChangeMode(ValueChangeMode.LAZY);
        text.addValueChangeListener(e -> updateCounts());
        counts.addClassName("gl-counts");
        // labels stay short enough to show whole on a phone; what they mean is said under the field
        distance.setHelperText("words between the key and its answer; an LSTM here starts with its forget gate open (bias "
                + (int) TrainingSettings.LONG_RANGE_FORGET_BIAS + ")");
        window.setHelperText("steps the gradient flows back");
        probeEvery.setHelperText("iterations between gradient-flow probes");
        name.setWidth("min(28em, 100%)");
        distance.setValue(20);
        distance.setMin(2);
        distance.setMax(150);
        distance.setStepButtonsVisible(true);
        distance.setVisible(false);
        distance.addValueChangeListener(e -> {
            if (e.getValue() != null && !changed(window)) shown(window, e.getValue() + 4);
            if (!OWN_TEXT.equals(source.getValue())) previewPreset();
        });
        form.add(name, source, text, counts, distance);

        form.add(new H2("Models"));
        Button addArm = new Button("Add a model", e -> addArm("lstm"));
        form.add(arms, addArm);
        arms.setPadding(false);

        form.add(new H2("Settings"));
        FormLayout basics = new FormLayout(iterations, window, hidden);
        form.add(basics);
        optimizer.setLabel("Optimizer");
        optimizer.setItems("adam", "sgd", "momentum", "rmsprop");
        init.setLabel("Recurrent weights start as");
        init.setItems("xavier", "normal", "identity", "orthogonal");
        iterations.setPlaceholder("all epochs");
        iterations.setHelperText("how long each model trains; the line below says what that is in passes over the sentences");
        length.setId("run-length");
        length.addClassName("gl-caption");
        form.add(length);
        for (HasValue<?, ?> field : List.of(iterations, epochs, batch, window, text, distance, source)) {
            field.addValueChangeListener(e -> updateLength());
        }
        showDefaults();
        Details advanced = new Details("Advanced", new FormLayout(epochs, batch, embedding, layers, optimizer, learningRate,
                decay, init, initScale, probeEvery, seed));
        form.add(advanced);

        error.addClassName("gl-error");
        error.getElement().setAttribute("role", "alert");
        train.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_LARGE);
        train.addClickListener(e -> submit());
        form.add(train);
        add(form, error);

        name.setId("name");
        text.setId("corpus-text");
        iterations.setId("iterations");
        window.setId("window");
        hidden.setId("hidden");
        train.setId("train");
        error.setId("form-error");
        addArm("rnn");
        addArm("lstm");
        updateCounts();
        updateLength();
    }

    /** A lesson's card: its title and claim, and a button that starts it exactly as the lesson defines it. */
    private Div lessonCard(Lesson lesson) {
        return card(lesson.id(), lesson.title(), lesson.claim(), () -> startLesson(lesson));
    }

    private static Div card(String id, String title, String claimText, Runnable action) {
        Button start = new Button(title, e -> action.run());
        start.addThemeVariants(ButtonVariant.LUMO_CONTRAST);
        start.addClassName("gl-guide");
        start.setId("lesson-" + id);
        Paragraph claim = new Paragraph(claimText);
        claim.addClassName("gl-caption");
        Div card = new Div(start, claim);
        card.addClassName("gl-lesson-card");
        card.setId("card-" + id);
        card.setWidth("min(24em, 100%)");
        return card;
    }

    /** The distance sweep: a form of its own, as it queues a grid of runs rather than one experiment. */
    private static Div sweepCard() {
        SweepLesson sweep = Lessons.distanceSweep();
        return card(sweep.id(), sweep.title(), sweep.claim(), () -> com.vaadin.flow.component.UI.getCurrent().navigate("new-sweep"));
    }

    void startLesson(Lesson lesson) {
        error.setText("");
        try {
            UiServices.limit(RateLimits.Action.EXPERIMENT);
            String experimentId = UiServices.lessons().startLesson(lesson, OwnerSession.ownerIn(labCode), labCode);
            getUI().ifPresent(ui -> ui.navigate("experiments/" + experimentId));
        } catch (SettingsException e) {
            error.setText(FieldWords.message(e.field(), e.reason()));
        } catch (SubmissionRefused | LabException e) {
            error.setText(e.getMessage());
        }
    }

    void addArm(String model) {
        ArmRow row = new ArmRow(model);
        armRows.add(row);
        arms.add(row);
        updateLength();
    }

    private void sourceChanged() {
        boolean own = OWN_TEXT.equals(source.getValue());
        text.setVisible(own);
        counts.setVisible(true);
        distance.setVisible("long-range".equals(source.getValue()));
        showDefaults();
        if (own) updateCounts();
        else previewPreset();
    }

    /** A preset's counts and its first few sentences, so nobody trains on sentences they have not seen. */
    void previewPreset() {
        try {
            Corpus corpus = CorpusSpec.ofPreset(source.getValue(), distance.getValue()).load(new TrainingSettings().seed);
            var distinct = new HashSet<String>();
            corpus.sentences().forEach(s -> distinct.addAll(s.words()));
            String sample = String.join(" · ", corpus.sentences().stream().limit(3).map(s -> String.join(" ", s.words())).toList());
            counts.setText(String.format(Locale.ROOT, "%d sentences · %d tokens · %d distinct words. For example: %s …",
                    corpus.sentences().size(), corpus.tokenCount(), distinct.size(), sample));
        } catch (SettingsException e) {
            counts.setText(e.reason());
        }
    }

    /** Shows the defaults a run on this corpus gets when the user sets nothing: the form never shows what will not run. */
    void showDefaults() {
        boolean longRange = "long-range".equals(source.getValue());
        show(longRange ? TrainingSettings.forLongRange(ModelKind.RNN, distance.getValue() == null ? 20 : distance.getValue())
                : new TrainingSettings());
    }

    /** Shows these settings as the form's starting point: what runs if the user changes nothing. */
    private void show(TrainingSettings d) {
        shown(iterations, d.maxIterations == 0 ? null : d.maxIterations);
        shown(window, d.window);
        shown(hidden, d.hidden);
        shown(epochs, d.epochs);
        shown(batch, d.batch);
        shown(embedding, d.embedding);
        shown(layers, d.layers);
        shown(optimizer, TrainingSettings.lower(d.optimizer));
        shown(learningRate, d.learningRate);
        shown(decay, d.decay);
        shown(init, TrainingSettings.lower(d.init));
        shown(initScale, d.initScale);
        shown(probeEvery, d.probeEvery);
        shown(seed, Long.toString(d.seed));
    }

    private <V> void shown(HasValue<?, V> field, V value) {
        field.setValue(value);
        shownDefaults.put(field, value);
    }

    private boolean changed(HasValue<?, ?> field) {
        return !Objects.equals(field.getValue(), shownDefaults.get(field));
    }

    /** Live counts of what training will see, and the size limit said before anyone presses Train. */
    void updateCounts() {
        String value = text.getValue();
        try {
            Corpus corpus = Corpus.ofText(value, true);
            var distinct = new HashSet<String>();
            corpus.sentences().forEach(s -> distinct.addAll(s.words()));
            counts.setText(String.format(Locale.ROOT, "%d %s · %d %s · %d distinct %s", corpus.sentences().size(),
                    corpus.sentences().size() == 1 ? "sentence" : "sentences", corpus.tokenCount(), corpus.tokenCount() == 1 ? "token" : "tokens",
                    distinct.size(), distinct.size() == 1 ? "word" : "words"));
            text.setInvalid(false);
        } catch (SettingsException e) {
            counts.setText("");
            text.setErrorMessage(e.reason());
            text.setInvalid(true);
        }
    }

    /**
     * The one length a student sets is Iterations; the epochs follow from it (and from the sentences), and the line says
     * both, as the run will count them: "Each model trains 300 iterations: about 15 passes over your sentences".
     */
    void updateLength() {
        try {
            List<RunService.Length> lengths = RunService.lengths(ExperimentRequests.parse(request()));
            RunService.Length first = lengths.get(0);
            if (lengths.stream().anyMatch(l -> l.iterations() != first.iterations())) {
                length.setText("The models train " + String.join(", ", lengths.stream().map(l -> String.valueOf(l.iterations())).toList())
                        + " iterations.");
                return;
            }
            long passes = Math.max(1, Math.round((double) first.iterations() / Math.max(1, first.perEpoch())));
            String about = first.perEpoch() > 0 && first.iterations() % first.perEpoch() == 0 ? "" : "about ";
            length.setText("Each model trains " + plural(first.iterations(), "iteration", "iterations") + ": " + about
                    + plural(passes, "pass", "passes") + " over the sentences.");
        } catch (RuntimeException e) {
            // what cannot train is said when Train is pressed, with its field; the line just stays quiet meanwhile
            length.setText("");
        }
    }

    private static String plural(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** The form as the API's JSON body. */
    ObjectNode request() {
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (!name.getValue().isBlank()) body.put("name", name.getValue());
        if (labCode != null) body.put("lab", labCode);
        ObjectNode corpus = body.putObject("corpus");
        if (OWN_TEXT.equals(source.getValue())) corpus.put("text", text.getValue());
        else corpus.put("preset", source.getValue());
        if ("long-range".equals(source.getValue()) && distance.getValue() != null) corpus.put("distance", distance.getValue());
        ObjectNode changed = Json.MAPPER.createObjectNode();
        putIfChanged(changed, "maxIterations", iterations);
        // Iterations is the run's length: unless the epochs were set too, they do not cut it short
        if (changed(iterations) && iterations.getValue() != null && !changed(epochs)) changed.put("epochs", TrainingSettings.MAX_EPOCHS);
        putIfChanged(changed, "window", window);
        putIfChanged(changed, "hidden", hidden);
        putIfChanged(changed, "epochs", epochs);
        putIfChanged(changed, "batch", batch);
        putIfChanged(changed, "embedding", embedding);
        putIfChanged(changed, "layers", layers);
        putIfChanged(changed, "probeEvery", probeEvery);
        putIfChanged(changed, "optimizer", optimizer);
        putIfChanged(changed, "learningRate", learningRate);
        putIfChanged(changed, "decay", decay);
        putIfChanged(changed, "init", init);
        putIfChanged(changed, "initScale", initScale);
        if (changed(seed)) {
            // a seed that is not a whole number goes as text, so the parser refuses it with its field's name
            try {
                changed.put("seed", Long.parseLong(seed.getValue().strip()));
            } catch (NumberFormatException e) {
                changed.put("seed", seed.getValue());
            }
        }
        // a fork's arms carry their stored settings, which win over a shared block: then the user's changes go per arm
        if (forkedArms.isEmpty() && !changed.isEmpty()) body.set("training", changed);
        ArrayNode list = body.putArray("arms");
        for (int i = 0; i < armRows.size(); i++) {
            ArmRow row = armRows.get(i);
            ObjectNode arm = list.addObject();
            if (i < forkedArms.size()) arm.setAll(forkedArms.get(i));
            arm.put("model", row.model.getValue());
            if (!forkedArms.isEmpty()) arm.setAll(changed);
            if (!"none".equals(row.clip.getValue()) || i < forkedArms.size()) {
                ObjectNode clip = arm.putObject("clip").put("mode", row.clip.getValue());
                if (row.threshold.getValue() != null) clip.put("threshold", row.threshold.getValue());
            }
            if (row.rate.getValue() != null) arm.put("learningRate", row.rate.getValue());
        }
        return body;
    }

    private void putIfChanged(ObjectNode node, String key, HasValue<?, ?> field) {
        if (!changed(field) || field.getValue() == null) return;
        Object value = field.getValue();
        if (value instanceof Integer n) node.put(key, n);
        else if (value instanceof Double x) node.put(key, x);
        else node.put(key, value.toString());
    }

    void submit() {
        error.setText("");
        try {
            RunService.ExperimentSpec spec = UiServices.lessons().parse(request());
            UiServices.limit(RateLimits.Action.EXPERIMENT);
            RunService.Submitted submitted = UiServices.runs().submit(spec, OwnerSession.ownerIn(spec.lab()));
            getUI().ifPresent(ui -> ui.navigate("experiments/" + submitted.experimentId()));
        } catch (SettingsException e) {
            error.setText(FieldWords.message(e.field(), e.reason()));
        } catch (SubmissionRefused | LabException e) {
            error.setText(e.getMessage());
        }
    }

    /** Puts a stored corpus back into the form: the user's text, or a preset and its distance. */
    private void showCorpus(CorpusSpec corpus) {
        if (corpus.text() != null) {
            source.setValue(OWN_TEXT);
            text.setValue(corpus.text());
        } else {
            source.setValue(corpus.preset());
            if (corpus.distance() != null) distance.setValue(corpus.distance());
        }
    }

    /**
     * {@code ?lab=<join code>}: the experiment goes to that lab. The form takes the lab's rules: its sentences (fixed),
     * its models, its epoch limit; the server checks them again on submit.
     */
    private void enterLab(String code) {
        LabService labs = UiServices.labs();
        Lab lab = labs.byJoinCode(code).orElse(null);
        if (lab == null || labs.role(lab, OwnerSession.identities()) == LabService.Role.NONE) {
            labBanner.setText("You are not in a lab with the code " + code + ": join it first, or train on your own below.");
            labBanner.setVisible(true);
            return;
        }
        labCode = lab.joinCode();
        LabSettings settings = labs.settings(lab);
        labBanner.setText("In the lab " + lab.name() + (lab.open() ? "" : " (closed: it takes no new experiments)"));
        labBanner.setVisible(true);
        if (settings.sweep() != null) {
            labBanner.setText("In the lab " + lab.name() + ": its experiment is the class sweep; start your point on the lab's page.");
            guided.setVisible(false);
            guidedHeading.setVisible(false);
            form.setVisible(false);
            return;
        }
        guided.getChildren().filter(card -> card.getId().orElse("").equals("card-" + Lessons.distanceSweep().id())).forEach(c -> c.setVisible(false));
        if (settings.lesson() != null) {
            // the lab runs one lesson as defined: its card is the whole page
            guided.getChildren().filter(card -> !card.getId().orElse("").equals("card-" + settings.lesson())).forEach(c -> c.setVisible(false));
            guidedHeading.setText("This lab's lesson");
            form.setVisible(false);
            return;
        }
        if (settings.corpus() != null) {
            showCorpus(settings.corpus());
            source.setReadOnly(true);
            text.setReadOnly(true);
            distance.setReadOnly(true);
            guidedHeading.setVisible(false);
            guided.setVisible(false);
        }
        if (settings.allowedModels() != null) {
            allowedModels = settings.allowedModels();
            List<String> wanted = armRows.stream().map(r -> r.model.getValue()).toList();
            armRows.clear();
            arms.removeAll();
            wanted.forEach(this::addArm);
        }
        if (settings.maxEpochs() != null) {
            epochs.setMax(settings.maxEpochs());
            if (epochs.getValue() == null || epochs.getValue() > settings.maxEpochs()) epochs.setValue(settings.maxEpochs());
        }
    }

    /** {@code ?fork=<experiment id>}: start from that experiment's corpus, models and settings. */
    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        List<String> lab = event.getLocation().getQueryParameters().getParameters().get("lab");
        if (lab != null && !lab.isEmpty()) enterLab(lab.get(0));
        List<String> fork = event.getLocation().getQueryParameters().getParameters().get("fork");
        if (fork != null && !fork.isEmpty()) fork(fork.get(0));
        updateLength();
    }

    private void fork(String forked) {
        RunService runs = UiServices.runs();
        runs.experiment(forked).ifPresent(experiment -> {
            CorpusSpec corpus = experiment.corpus();
            name.setValue("Fork of " + experiment.name());
            showCorpus(corpus);
            armRows.clear();
            arms.removeAll();
            List<Run> experimentRuns = runs.runsOfExperiment(experiment.id());
            List<ObjectNode> stored = new ArrayList<>();
            for (Run run : experimentRuns) {
                addArm(run.model());
                TrainingSettings s = run.settings();
                ArmRow row = armRows.get(armRows.size() - 1);
                row.clip.setValue(TrainingSettings.lower(s.clip));
                row.threshold.setValue(s.clipThreshold);
                row.rate.setValue(s.learningRate);
                stored.add(ExperimentRequests.write(s));
            }
            if (!experimentRuns.isEmpty()) show(experimentRuns.get(0).settings());
            forkedArms = stored;
        });
    }
}
