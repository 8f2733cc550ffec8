package lab.gradient.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.stream.StreamSupport;
import lab.gradient.lessons.Lessons;
import lab.gradient.lessons.SweepGrid;
import lab.gradient.lessons.SweepLesson;
import lab.gradient.runs.RateLimits;
import lab.gradient.runs.SubmissionRefused;
import lab.gradient.sweeps.SweepService;
import lab.gradient.training.ModelKind;
import lab.gradient.training.SettingsException;

/**
 * The form of a distance sweep, filled with the lesson's grid. It writes the body {@code POST /api/sweeps} takes,
 * with only what the user changed: a model the lesson defines (its LSTM's open forget gate) keeps the lesson's settings.
 */
@Route(value = "new-sweep", layout = MainLayout.class)
@PageTitle("New sweep · Gradient Lab")
public class NewSweepView extends VerticalLayout {
    final CheckboxGroup<String> models = new CheckboxGroup<>("Models");
    final TextField distances = new TextField("Distances d (words between the key and its answer)");
    final IntegerField seeds = new IntegerField("Seeds per point");
    final IntegerField iterations = new IntegerField("Iterations per point");
    final Button start = new Button("Start the sweep");
    final Span error = new Span();
    final Paragraph size = new Paragraph();
    private final SweepLesson lesson = Lessons.distanceSweep();
    private final SweepGrid defaults = SweepGrid.parse(lesson.sweep(), "", java.util.Set.of("name"));

    public NewSweepView() {
        setMaxWidth("900px");
        models.setId("sweep-models");
        models.setItems(Arrays.stream(ModelKind.values()).map(k -> k.id).toList());
        models.setValue(new LinkedHashSet<>(defaults.modelIds()));
        distances.setId("sweep-distances");
        distances.setValue(String.join(", ", defaults.distances().stream().map(String::valueOf).toList()));
        distances.setWidth("min(24em, 100%)");
        seeds.setId("sweep-seeds");
        seeds.setValue(defaults.seeds());
        seeds.setMin(1);
        seeds.setMax(SweepGrid.MAX_SEEDS);
        seeds.setStepButtonsVisible(true);
        iterations.setId("sweep-iterations");
        iterations.setValue(defaults.training().get("maxIterations").asInt());
        iterations.setMin(1);
        start.setId("start-sweep");
        start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        start.addClickListener(e -> start());
        error.setId("sweep-form-error");
        error.addClassName("gl-error");
        error.getElement().setAttribute("role", "alert");
        Paragraph budget = new Paragraph(lesson.budget() + " " + lesson.honestly());
        budget.addClassName("gl-caption");
        size.setId("sweep-size");
        distances.setValueChangeMode(com.vaadin.flow.data.value.ValueChangeMode.LAZY);
        models.addValueChangeListener(e -> showSize());
        distances.addValueChangeListener(e -> showSize());
        seeds.addValueChangeListener(e -> showSize());
        showSize();
        add(new H1(lesson.title()), new Paragraph(lesson.claim()), models, new FormLayout(distances, seeds, iterations), size, budget,
                error, start);
    }

    /** The form as {@code POST /api/sweeps}'s body: the lesson's sweep with the user's models, distances, seeds and length. */
    ObjectNode body() {
        ObjectNode body = lesson.sweep();
        ArrayNode chosen = body.putArray("models");
        JsonNode defined = lesson.sweep().get("models");
        for (String model : models.getValue().stream().sorted(java.util.Comparator.comparing(ModelKind::of)).toList()) {
            chosen.add(StreamSupport.stream(defined.spliterator(), false)
                    .filter(m -> model.equals(m.isTextual() ? m.asText() : m.get("model").asText())).findFirst()
                    .orElse(body.textNode(model)));
        }
        ArrayNode d = body.putArray("distances");
        for (String part : distances.getValue().split("[,\\s]+")) {
            if (part.isBlank()) continue;
            try {
                d.add(Integer.parseInt(part));
            } catch (NumberFormatException e) {
                throw new SettingsException("distances", "give whole numbers separated by commas, e.g. 5, 10, 20; '" + part + "' is not one");
            }
        }
        if (seeds.getValue() != null) body.put("seeds", seeds.getValue());
        if (iterations.getValue() != null) ((ObjectNode) body.get("training")).put("maxIterations", iterations.getValue());
        return body;
    }

    /** How many runs the form asks for, before it is sent: each point is a run the server queues at once. */
    private void showSize() {
        long d = java.util.Arrays.stream(distances.getValue().split("[,\\s]+")).filter(p -> !p.isBlank()).distinct().count();
        int m = models.getValue().size(), n = seeds.getValue() == null ? 1 : seeds.getValue();
        size.setText(m + (m == 1 ? " model" : " models") + " × " + d + (d == 1 ? " distance" : " distances") + " × " + n
                + (n == 1 ? " seed" : " seeds") + " = " + (m * d * n) + " runs, queued at once.");
    }

    void start() {
        error.setText("");
        try {
            UiServices.limit(RateLimits.Action.EXPERIMENT);
            SweepService.Created created = UiServices.sweeps().create(body(), OwnerSession.ownerOrCreate());
            getUI().ifPresent(ui -> ui.navigate("sweeps/" + created.id()));
        } catch (SettingsException e) {
            error.setText(FieldWords.message(e.field(), e.reason()));
        } catch (SubmissionRefused e) {
            error.setText(e.getMessage());
        }
    }
}
