package lab.gradient.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.Routes;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.server.VaadinServlet;
import java.util.UUID;
import lab.gradient.labs.LabService;
import lab.gradient.runs.ExperimentRequests;
import lab.gradient.runs.QueuePolicy;
import lab.gradient.runs.RunEvents;
import lab.gradient.runs.RunService;
import lab.gradient.store.Database;
import lab.gradient.store.LabStore;
import lab.gradient.store.RunStore;
import lab.gradient.training.SettingsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The New experiment form without a browser (Karibu): live counts, the API's own refusals, and a real submission. */
class NewExperimentViewTest {
    Database database;
    RunService runs;

    @BeforeEach
    void setUp() {
        database = Database.open("jdbc:h2:mem:ui-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        runs = new RunService(new RunStore(database), new RunEvents(), 1, QueuePolicy.defaults(1));
        MockVaadin.setup(new Routes().autoDiscoverViews("lab.gradient.ui"));
        VaadinServlet.getCurrent().getServletContext().setAttribute(UiServices.ATTRIBUTE, new UiServices(runs, new LabService(new LabStore(database))));
        UI.getCurrent().navigate(NewExperimentView.class);
    }

    @AfterEach
    void tearDown() {
        MockVaadin.tearDown();
        runs.close();
        database.close();
    }

    @Test
    void countsFollowTheText() {
        _setValue(_get(TextArea.class, spec -> spec.withId("corpus-text")), "Marathi is spoken in Maharashtra. Tamil is spoken in Tamilnadu.");
        assertEquals("2 sentences · 12 tokens · 7 distinct words", _get(NewExperimentView.class).counts.getText());
    }

    @Test
    void theFormRefusesWhatTheApiRefusesWithTheSameWords() {
        NewExperimentView view = _get(NewExperimentView.class);
        _setValue(_get(TextArea.class, spec -> spec.withId("corpus-text")), "Marathi is spoken in Maharashtra.");
        _setValue(_get(IntegerField.class, spec -> spec.withId("hidden")), 5000);
        _click(_get(Button.class, spec -> spec.withId("train")));
        SettingsException api = org.junit.jupiter.api.Assertions.assertThrows(SettingsException.class,
                () -> ExperimentRequests.parse(view.request()));
        assertEquals(api.field() + ": " + api.reason(), _get(Span.class, spec -> spec.withId("form-error")).getText());
        assertEquals("training.hidden", api.field());
        assertTrue(runs.findRuns("anyone", null, null, null, null, 10, 0).isEmpty());
    }

    @Test
    void trainSubmitsAndOpensTheExperiment() {
        _setValue(_get(TextArea.class, spec -> spec.withId("corpus-text")), "Marathi is spoken in Maharashtra. Tamil is spoken in Tamilnadu.");
        _setValue(_get(IntegerField.class, spec -> spec.withId("iterations")), 5);
        _click(_get(Button.class, spec -> spec.withId("train")));
        ExperimentView experiment = _get(ExperimentView.class);
        assertEquals(2, experiment.experimentRuns.size());
        assertEquals("rnn", experiment.experimentRuns.get(0).model());
        assertEquals("lstm", experiment.experimentRuns.get(1).model());
        assertTrue(runs.run(experiment.experimentRuns.get(0).id()).orElseThrow().settingsJson().contains("\"maxIterations\":5"));
    }
}
