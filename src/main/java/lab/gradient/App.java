package lab.gradient;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import lab.gradient.cli.TrainCommand;
import lab.gradient.cli.TrainingOptions;
import lab.gradient.cli.WorkerCommand;
import lab.gradient.runs.RateLimits;
import lab.gradient.training.Cost;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Entry point. Without a sub-command it serves the web app; {@code train} trains from the command line; {@code worker}
 * trains runs from a shared PostgreSQL database on another machine.
 * Each option falls back to an environment variable, then to a default; a flag always wins.
 */
@Command(name = "gradient-lab", mixinStandardHelpOptions = true, versionProvider = Version.class, subcommands = {TrainCommand.class, WorkerCommand.class},
        description = "Serves Gradient Lab: train an RNN and an LSTM side by side and watch their gradients.")
public final class App implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "${env:PORT:-8080}",
            description = "HTTP port (env PORT, default 8080; 0 picks a free one).")
    int port;

    @Option(names = "--db", paramLabel = "JDBC_URL", defaultValue = "${env:GRADIENT_LAB_DB}",
            description = "JDBC URL of the database (env GRADIENT_LAB_DB, default an H2 file under db/data/); "
                    + "jdbc:postgresql://… to share it with worker processes.")
    String db;

    @Mixin
    TrainingOptions training = new TrainingOptions();


    @Option(names = "--public-origin", paramLabel = "URL", defaultValue = "${env:GRADIENT_LAB_PUBLIC_ORIGIN}",
            description = "The origin browsers use for this server, e.g. https://lab.school.example (env GRADIENT_LAB_PUBLIC_ORIGIN; "
                    + "default: this machine's own addresses on PORT). API writes from any other origin are refused.")
    String publicOrigin;

    @Option(names = "--rate-limit", paramLabel = "NAME=N", split = ",", defaultValue = "${env:GRADIENT_LAB_RATE_LIMITS}",
            description = "Per client address and minute (env GRADIENT_LAB_RATE_LIMITS, e.g. experiments=60,joins=120): experiments (60), "
                    + "labs (10), joins (120), join-misses (20 unknown codes), joins-per-code (90), predictions (240, also generate and inspect).")
    java.util.Map<String, Integer> rateLimits = new java.util.LinkedHashMap<>();


    @Option(names = "--max-step-seconds", paramLabel = "SECONDS", defaultValue = "${env:GRADIENT_LAB_MAX_STEP_SECONDS:-2}",
            description = "Refuse runs whose one training step would take longer, as estimated (env GRADIENT_LAB_MAX_STEP_SECONDS, default 2).")
    double maxStepSeconds;

    @Option(names = "--max-run-memory", paramLabel = "GIB", defaultValue = "${env:GRADIENT_LAB_MAX_RUN_GIB:-1}",
            description = "Refuse runs estimated to need more memory, in GiB (env GRADIENT_LAB_MAX_RUN_GIB, default 1).")
    double maxRunGib;

    @Option(names = "--max-run-heap", paramLabel = "MIB", defaultValue = "${env:GRADIENT_LAB_MAX_RUN_HEAP_MIB:-0}",
            description = "Refuse runs whose training arrays would take more of the Java heap, in MiB (env GRADIENT_LAB_MAX_RUN_HEAP_MIB; "
                    + "default 0: a quarter of the heap, 256 MiB with scripts/jvm.options).")
    double maxRunHeapMib;

    @Override
    public Integer call() {
        AppConfig config = new AppConfig(port, db == null ? AppConfig.DEFAULT_DB_URL : db,
                training.workers(), training.runBudgetSeconds(), AppConfig.origin(publicOrigin),
                RateLimits.parse(rateLimits == null ? java.util.Map.of() : rateLimits), training.checkpointSeconds(),
                maxRunHeapMib > 0 ? new Cost.Limits(maxStepSeconds, maxRunGib * (1L << 30), maxRunHeapMib * (1L << 20))
                        : new Cost.Limits(maxStepSeconds, maxRunGib * (1L << 30)));
        Server server = Server.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        server.awaitStop();
        return 0;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The parsed command line, with bad input answered by one line and exit code 2, never a stack trace. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new App());
        cli.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("gradient-lab: " + e.getMessage() + " (see --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, parsed, result) -> {
            if (e instanceof lab.gradient.training.SettingsException s) {
                parsed.getErr().println("gradient-lab: " + (s.field() == null ? "" : s.field() + ": ") + s.reason());
                return 2;
            }
            if (e instanceof IllegalArgumentException || e instanceof com.fasterxml.jackson.core.JsonProcessingException) {
                parsed.getErr().println("gradient-lab: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        cli.setErr(new PrintWriter(System.err, true));
        return cli;
    }
}
