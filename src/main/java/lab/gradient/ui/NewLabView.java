package lab.gradient.ui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.stream.Stream;
import lab.gradient.labs.LabService;
import lab.gradient.labs.LabSettings;
import lab.gradient.lessons.Lesson;
import lab.gradient.lessons.Lessons;
import lab.gradient.lessons.SweepGrid;
import lab.gradient.model.Json;
import lab.gradient.runs.RateLimits;
import lab.gradient.training.ModelKind;
import lab.gradient.training.SettingsException;

/**
 * A teacher's new lab: its name, optionally the sentences everyone trains on, and its limits. The form is written as
 * the API's JSON and read by the same parser, so both refuse the same things with the same words.
 */
@Route(value = "labs/new", layout = MainLayout.class)
@PageTitle("New lab · Gradient Lab")
public class NewLabView extends VerticalLayout {
    static final String ANY = "students choose";
    static final String OWN_TEXT = "my sentences";
    static final String NO_LESSON = "";
    static final String SWEEP = "class-sweep";

    final TextField name = new TextField("Lab name");
    final Select<String> lesson = new Select<>();
    final Select<String> sentences = new Select<>();
    final TextArea text = new TextArea("The sentences");
    final IntegerField distance = new IntegerField("Distance d");
    final CheckboxGroup<String> models = new CheckboxGroup<>("Models students may train");
    final IntegerField maxRuns = new IntegerField("Runs per student (empty: no limit)");
    final Select<String> seeds = new Select<>();
    final IntegerField maxEpochs = new IntegerField("Most epochs per run (empty: no limit)");
    final IntegerField sweepSeeds = new IntegerField("Seeds per point of the class sweep");
    final Button create = new Button("Create lab");
    final Span error = new Span();
    /** What a teacher fixes when students design their own experiments; a lesson brings all of it. */
    final VerticalLayout ownDesign = new VerticalLayout();

    public NewLabView() {
        setMaxWidth("900px");
        name.setId("lab-name");
        name.setWidth("min(30em, 100%)");
        name.setPlaceholder("Week 5: why the RNN forgets");
        lesson.setLabel("What students run");
        lesson.setId("lab-lesson");
        lesson.setItems(Stream.concat(Stream.of(NO_LESSON, SWEEP),
                Lessons.all().stream().map(Lesson::id)).toList());
        lesson.setItemLabelGenerator(id -> id.isEmpty() ? "their own experiments, within the limits below"
                : id.equals(SWEEP) ? "the class sweep: each student trains the next (model, distance, seed) of the grid"
                : "the lesson: " + Lessons.byId(id).orElseThrow().title());
        lesson.setValue(NO_LESSON);
        lesson.setWidth("min(36em, 100%)");
        lesson.addValueChangeListener(e -> {
            ownDesign.setVisible(NO_LESSON.equals(e.getValue()));
            sweepSeeds.setVisible(SWEEP.equals(e.getValue()));
            seeds.setVisible(!SWEEP.equals(e.getValue()));
        });
        // 2 models × 6 distances × 2 seeds: 24 cells, one round for a class of 24 to 30
        sweepSeeds.setId("lab-sweep-seeds");
        sweepSeeds.setValue(2);
        sweepSeeds.setMin(1);
        sweepSeeds.setMax(SweepGrid.MAX_SEEDS);
        sweepSeeds.setStepButtonsVisible(true);
        sweepSeeds.setVisible(false);
        sentences.setLabel("Sentences");
        sentences.setId("lab-sentences");
        sentences.setItems(ANY, "seed-examples", "long-range", "english-prose", OWN_TEXT);
        sentences.setValue("long-range");
        sentences.addValueChangeListener(e -> {
            text.setVisible(OWN_TEXT.equals(e.getValue()));
            distance.setVisible("long-range".equals(e.getValue()));
        });
        text.setVisible(false);
        text.setWidthFull();
        distance.setValue(20);
        distance.setMin(2);
        distance.setMax(150);
        models.setItems(Arrays.stream(ModelKind.values()).map(k -> k.id).toList());
        models.setValue(new LinkedHashSet<>(models.getListDataView().getItems().toList()));
        maxRuns.setMin(1);
        seeds.setLabel("Seeds");
        seeds.setId("lab-seeds");
        seeds.setItems(LabSettings.CLASS_SEED, LabSettings.STUDENT_SEED);
        seeds.setItemLabelGenerator(s -> s.equals(LabSettings.CLASS_SEED)
                ? "one for the class: the same run for everyone, trained once and ready at once"
                : "one per student: the class becomes an ensemble (median and spread per model)");
        seeds.setValue(LabSettings.CLASS_SEED);
        seeds.setWidth("min(36em, 100%)");
        maxEpochs.setMin(1);
        create.setId("create-lab");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.addClickListener(e -> create());
        error.setId("lab-form-error");
        error.addClassName("gl-error");
        error.getElement().setAttribute("role", "alert");
        add(new H1("New lab"), new Paragraph("Students join with a short code and a display name, no accounts. Each student "
                        + "trains one run at a time and the queue takes students in turn, so a class of 30 shares the server fairly."),
                name, lesson, sweepSeeds, seeds, ownDesign, new FormLayout(maxRuns), error, create);
        ownDesign.setPadding(false);
        ownDesign.add(new FormLayout(sentences, distance), text, models, new FormLayout(maxEpochs));
    }

    /** The form as the API's {@code settings}. */
    ObjectNode settings() {
        ObjectNode settings = Json.MAPPER.createObjectNode();
        if (maxRuns.getValue() != null) settings.put("maxRunsPerStudent", maxRuns.getValue());
        if (SWEEP.equals(lesson.getValue())) {
            ObjectNode sweep = Lessons.distanceSweep().sweep();
            sweep.remove("name");
            if (sweepSeeds.getValue() != null) sweep.put("seeds", sweepSeeds.getValue());
            settings.set("sweep", sweep);
            return settings;
        }
        settings.put("seeds", seeds.getValue());
        if (!NO_LESSON.equals(lesson.getValue())) return settings.put("lesson", lesson.getValue());
        if (!ANY.equals(sentences.getValue())) {
            ObjectNode corpus = settings.putObject("corpus");
            if (OWN_TEXT.equals(sentences.getValue())) corpus.put("text", text.getValue());
            else corpus.put("preset", sentences.getValue());
            if ("long-range".equals(sentences.getValue()) && distance.getValue() != null) corpus.put("distance", distance.getValue());
        }
        var allowed = settings.putArray("allowedModels");
        models.getValue().stream().sorted().forEach(allowed::add);
        if (maxEpochs.getValue() != null) settings.put("maxEpochs", maxEpochs.getValue());
        return settings;
    }

    void create() {
        error.setText("");
        try {
            UiServices.limit(RateLimits.Action.LAB);
            LabService.Created created = UiServices.labs().create(name.getValue(), settings(), OwnerSession.clientAddress());
            OwnerSession.addTeacherToken(created.teacherToken());
            getUI().ifPresent(ui -> ui.navigate("labs/" + created.lab().id()));
        } catch (SettingsException e) {
            error.setText((e.field() == null ? "" : e.field() + ": ") + e.reason());
        } catch (RateLimits.Limited e) {
            error.setText(e.getMessage());
        }
    }
}
