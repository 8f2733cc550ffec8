package lab.gradient.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import lab.gradient.runs.LabRules;
import lab.gradient.runs.QueuePolicy;
import lab.gradient.runs.RunEvents;
import lab.gradient.runs.RunService;
import lab.gradient.store.Database;
import lab.gradient.store.RunStore;
import lab.gradient.training.NativeBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A training process for another machine: it serves no pages, claims runs from the shared PostgreSQL database
 * with the same fair policy as the web server's workers, trains them and writes everything there, where the web
 * server reads it. The database is the only channel (docs/scale-out.md).
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Trains queued runs from a shared PostgreSQL database; serves no web pages.")
public final class WorkerCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(WorkerCommand.class);

    @Option(names = "--db", paramLabel = "JDBC_URL", required = true, defaultValue = "${env:GRADIENT_LAB_DB}",
            description = "The shared database: jdbc:postgresql://host/db?user=… (env GRADIENT_LAB_DB; the password in env "
                    + "GRADIENT_LAB_DB_PASSWORD or ~/.pgpass, not in the URL, which is logged).")
    String db;

    @Mixin
    TrainingOptions training = new TrainingOptions();

    @Override
    public Integer call() throws InterruptedException {
        int n = training.workers();
        if (n < 1 || n > 64) throw new IllegalArgumentException("--workers must be between 1 and 64, was " + n);
        if (db == null || Database.Vendor.of(db).isEmbedded()) {
            throw new IllegalArgumentException("--db must be the shared jdbc:postgresql: database the web server uses, was " + db);
        }
        NativeBackend.warmUp();
        Database database = Database.open(db);
        RunService runs = new RunService(new RunStore(database), new RunEvents(), n, QueuePolicy.defaults(n), training.runBudgetSeconds(),
                LabRules.NO_LABS).checkpointEvery(training.checkpointSeconds());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // the trainings stop after their current step; when their leases run out, another worker resumes them from
            // their checkpoints
            runs.close();
            database.close();
            stopped.countDown();
        }, "shutdown"));
        runs.start();
        log.info("Gradient Lab worker: {} worker(s) training from {}", n, db);
        stopped.await();
        return 0;
    }
}
