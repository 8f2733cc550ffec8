package lab.gradient.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TrainCommandTest {

    private String[] run(String... args) {
        CommandLine cli = new CommandLine(new TrainCommand());
        StringWriter out = new StringWriter(), err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void helpExplainsEveryOption() {
        String[] r = run("--help");
        assertEquals("0", r[0]);
        for (String option : new String[] {"--preset", "--text", "--distance", "--models", "--iterations", "--epochs",
                "--seed", "--window", "--hidden", "--learning-rate", "--clip", "--clip-threshold", "--sweep", "--distances", "--seeds"}) {
            assertTrue(r[1].contains(option), option);
        }
    }

    @Test
    void printsASideBySideSummaryTable() {
        String[] r = run("--preset", "long-range", "--distance", "6", "--models", "rnn,lstm", "--iterations", "8");
        assertEquals("0", r[0], r[2]);
        String[] lines = r[1].strip().split("\n");
        assertEquals(3, lines.length, r[1]);
        assertTrue(lines[0].contains("g(6)/g(0)") && lines[0].contains("long-range") && lines[0].contains("seconds"), lines[0]);
        assertTrue(lines[1].startsWith("rnn ") && lines[1].contains("completed"), lines[1]);
        assertTrue(lines[2].startsWith("lstm ") && lines[2].contains(" 8 "), lines[2]);
    }

    @Test
    void aSweepPrintsEachModelsAccuracyAndGradientAgainstDistance() {
        String[] r = run("--sweep", "--distances", "3,4", "--seeds", "2", "--iterations", "3", "--hidden", "8");
        assertEquals("0", r[0], r[2]);
        String[] lines = r[1].strip().split("\n");
        assertTrue(lines[0].contains("rnn, lstm × d = [3, 4], 2 seed(s) per point"), lines[0]);
        assertTrue(lines[1].startsWith("model") && lines[1].contains("d=3") && lines[1].contains("d=4"), lines[1]);
        // with two seeds each cell is the median and the range: "0.480 [0.455–0.505]"
        assertTrue(lines[2].startsWith("rnn") && lines[2].matches("rnn\\s+(\\d\\.\\d{3} \\[\\d\\.\\d{3}–\\d\\.\\d{3}\\]\\s*){2}"), lines[2]);
        assertTrue(lines[3].startsWith("lstm"), lines[3]);
        assertTrue(r[1].contains("g(d)/g(0) at the last probe") && r[1].contains("g(d)/g(0) at iteration 0"), r[1]);
    }

    @Test
    void aSweepRefusesWhatItDoesNotTake() {
        String[] r = run("--sweep", "--preset", "seed-examples");
        assertTrue(!r[0].equals("0"), "refused");
        assertTrue(r[2].contains("--sweep trains the long-range preset"), r[2]);
        String[] d = run("--distances", "5,10");
        assertTrue(d[2].contains("--distances belongs to --sweep"), d[2]);
        String[] seeds = run("--seeds", "2", "--iterations", "3");
        assertTrue(seeds[2].contains("--seeds belongs to --lesson or --sweep"), seeds[2]);
    }

    /** A lesson on a group of seeds: each seed's runs and checks, then each check counted over the seeds, as the page counts. */
    @Test
    void aLessonOnSeveralSeedsCountsOnHowManyEachCheckHeld() {
        String[] r = run("--lesson", "exploding", "--seeds", "2");
        assertEquals("0", r[0], r[2]);
        String out = r[1];
        assertTrue(out.contains("(seeds 42–43)"), out);
        assertTrue(out.contains("seed 42:") && out.contains("seed 43:"), out);
        long counted = out.lines().filter(l -> l.matches("[✓✗] on [0-2] of 2 seeds: .+")).count();
        String seed42 = out.lines().filter(l -> l.startsWith("seed 42: ")).findFirst().orElseThrow();
        assertEquals(seed42.split("; ").length, counted, "one count per check of the signature: " + out);
        assertTrue(counted >= 2, "every check counted over the seeds: " + out);
        assertTrue(out.matches("(?s).*The lesson's signature holds on [0-2] of 2 seeds\\..*"), out);
    }
}
