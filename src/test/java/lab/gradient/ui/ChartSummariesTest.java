package lab.gradient.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Paragraph;
import java.time.Duration;
import java.util.List;
import lab.gradient.model.Run;
import lab.gradient.runs.RunService;
import lab.gradient.runs.RunServiceTest;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.ModelKind;
import lab.gradient.training.NativeBackend;
import lab.gradient.training.TrainingResult;
import lab.gradient.training.TrainingSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every chart of an experiment has its numbers in words beside it (issue 33: charts had no text alternative a screen
 * reader can use): each arm's end values, the ones its lines end at, from the runs' summaries. Karibu, a real (tiny)
 * training of a tanh RNN and an LSTM.
 */
class ChartSummariesTest {
    KaribuApp app;
    String experiment;

    @BeforeEach
    void train() throws Exception {
        NativeBackend.warmUp();
        app = new KaribuApp(2);
        app.runs.start();
        TrainingSettings rnn = RunServiceTest.tiny(20).tunedFor(ModelKind.RNN), lstm = RunServiceTest.tiny(20).tunedFor(ModelKind.LSTM);
        rnn.seed = lstm.seed = RunServiceTest.freshSeed();
        experiment = app.runs.submit(new RunService.ExperimentSpec("summaries", null, CorpusSpec.ofPreset("seed-examples", null),
                List.of(new RunService.Arm(ModelKind.RNN, rnn), new RunService.Arm(ModelKind.LSTM, lstm)), null), "student").experimentId();
        app.runs.awaitEnded(experiment, Duration.ofMinutes(2));
    }

    @AfterEach
    void tearDown() {
        app.close();
    }

    @Test
    void eachChartSaysInWordsTheNumbersItsLinesEndAt() {
        UI.getCurrent().navigate("experiments/" + experiment);
        ExperimentView page = _get(ExperimentView.class);
        String loss = text("summary-loss"), grad = text("summary-gradNorm"), flow = text("summary-flow"), spectral = text("summary-spectral");
        for (int i = 0; i < page.experimentRuns.size(); i++) {
            Run run = page.experimentRuns.get(i);
            TrainingResult.Summary s = run.summary();
            String label = page.label(run, i);
            assertTrue(loss.contains(label + " " + ChartSummaries.number(s.trainLoss())), loss);
            assertTrue(loss.contains(label + " " + ChartSummaries.number(s.valLoss())), loss);
            assertTrue(grad.contains(label + " " + ChartSummaries.number(s.maxGradNorm())), grad);
            assertTrue(flow.contains(label + " " + ChartSummaries.number(s.initialFlowRatio()) + " at iteration 0, "
                    + ChartSummaries.number(s.gradientFlowRatio()) + " at the last probe (d = " + s.flowDistance() + ")"), flow);
        }
        assertEquals("summary-flow", page.flow.getElement().getAttribute("aria-describedby"), "the chart points a screen reader to its words");
        assertTrue(spectral.contains("LSTM") || spectral.contains("lstm"), spectral);
        assertTrue(spectral.contains("not measured"), "an LSTM's ρ is not measured: " + spectral);
        assertEquals("0.00640", ChartSummaries.number(0.0064));
        assertEquals("1.17e+05", ChartSummaries.number(116649));
    }

    private static String text(String id) {
        return _get(Paragraph.class, spec -> spec.withId(id)).getText();
    }
}
