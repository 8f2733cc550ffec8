package lab.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AppCommandLineTest {

    private record Outcome(int exitCode, String err) {}

    private Outcome run(String... args) {
        CommandLine cli = App.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return new Outcome(cli.execute(args), err.toString());
    }

    @Test
    void unknownFlagIsOneLineAndExitCodeTwo() {
        Outcome outcome = run("--colour", "blue");
        assertEquals(2, outcome.exitCode());
        assertEquals(1, outcome.err().strip().lines().count(), outcome.err());
        assertTrue(outcome.err().contains("--colour"), outcome.err());
    }

    @Test
    void badPortValueNamesTheFlag() {
        Outcome outcome = run("--port", "eighty");
        assertEquals(2, outcome.exitCode());
        assertTrue(outcome.err().contains("--port"), outcome.err());
        assertFalse(outcome.err().contains("\tat "), "no stack trace");
    }

    @Test
    void outOfRangeValuesAreRefusedWithoutAStackTrace() {
        for (String[] args : new String[][] {{"--port", "70000"}, {"--workers", "0"}, {"--db", "not-a-url"}, {"--run-budget", "0"}}) {
            Outcome outcome = run(args);
            assertEquals(2, outcome.exitCode(), String.join(" ", args));
            assertTrue(outcome.err().contains(args[0]), outcome.err());
            assertEquals(1, outcome.err().strip().lines().count(), outcome.err());
        }
    }
}
