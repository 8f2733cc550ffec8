package lab.gradient.lessons;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every guided lesson shows its claim on seed 42, the seed a student's click uses, run through the service layer
 * exactly as defined. {@code LessonsSuite} (tag {@code lessons}) checks the other seeds and writes docs/lessons.md.
 */
class LessonsTest {
    static LessonRunner runner;

    @BeforeAll
    static void start() {
        runner = new LessonRunner();
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    static Stream<String> lessons() {
        return Lessons.all().stream().map(Lesson::id);
    }

    @ParameterizedTest
    @MethodSource("lessons")
    void theLessonShowsItsClaimOnSeed42(String id) throws Exception {
        LessonRunner.Result result = runner.run(Lessons.byId(id).orElseThrow(), 42);
        System.out.println(LessonsSuite.row(result));
        assertTrue(result.holds(), id + ": " + result.checks() + "\n" + result.arms());
        if (id.equals("vanishing")) {
            // the sentence x-ray shows it on one sentence: the LSTM's prediction still uses the key word d back, relative to
            // the last word at least 10× as much as the tanh RNN's (arms: rnn, lstm)
            double[] reach = runner.keyWordReach(result.experimentId());
            System.out.printf("x-ray, key word's saliency / last word's: rnn %.3g, lstm %.3g%n", reach[0], reach[1]);
            assertTrue(reach[1] >= 10 * reach[0], "rnn " + reach[0] + ", lstm " + reach[1]);
        }
    }
}
