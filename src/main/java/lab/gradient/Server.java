package lab.gradient;

import java.util.concurrent.CountDownLatch;
import lab.gradient.api.ApiRoutes;
import lab.gradient.health.HealthService;
import lab.gradient.labs.LabService;
import lab.gradient.lessons.LessonService;
import lab.gradient.runs.IssuedTokens;
import lab.gradient.runs.QueuePolicy;
import lab.gradient.runs.RunEvents;
import lab.gradient.runs.RunService;
import lab.gradient.store.Database;
import lab.gradient.store.LabStore;
import lab.gradient.store.RunStore;
import lab.gradient.store.SeedGroupStore;
import lab.gradient.store.SweepStore;
import lab.gradient.store.TokenStore;
import lab.gradient.sweeps.SweepService;
import lab.gradient.training.NativeBackend;
import lab.gradient.ui.UiServices;
import lab.gradient.web.WebServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running application: database, training backend and the one web server, wired together. */
public final class Server implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Server.class);

    private final Database database;
    private final RunService runs;
    private final LessonService lessons;
    private final UiServices services;
    private final WebServer web;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Server(Database database, RunService runs, LessonService lessons, UiServices services, WebServer web) {
        this.database = database;
        this.runs = runs;
        this.lessons = lessons;
        this.services = services;
        this.web = web;
    }

    public static Server start(AppConfig config) {
        // ND4J loads ~400 MB of native code on first use: start it now, beside the web server, not on a request.
        Thread warmUp = new Thread(NativeBackend::warmUp, "nd4j-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        Database database = Database.open(config.dbUrl());
        IssuedTokens tokens = new IssuedTokens(new TokenStore(database));
        LabService labs = new LabService(new LabStore(database), tokens);
        RunService runs = new RunService(new RunStore(database), new RunEvents(), config.workers(),
                QueuePolicy.defaults(config.workers()), config.runBudgetSeconds(), labs).checkpointEvery(config.checkpointSeconds())
                .costLimits(config.costLimits());
        try {
            runs.start();
            LessonService lessons = new LessonService(runs, new SeedGroupStore(database), labs);
            SweepService sweeps = new SweepService(new SweepStore(database), runs, labs);
            UiServices services = new UiServices(runs, labs, lessons, sweeps, tokens, config.rateLimits());
            WebServer web = WebServer.start("0.0.0.0", config.port(),
                    api -> ApiRoutes.register(api, new HealthService(database), runs, labs, lessons, sweeps, tokens, config.rateLimits()),
                    services, config.publicOrigin());
            log.info("Gradient Lab {} is running: open http://localhost:{}/", Version.VALUE, web.port());
            return new Server(database, runs, lessons, services, web);
        } catch (RuntimeException e) {
            runs.close();
            database.close();
            throw e;
        }
    }

    public int port() {
        return web.port();
    }

    public java.util.List<String> routes() {
        return web.routes();
    }

    public RunService runs() {
        return runs;
    }

    public LessonService lessons() {
        return lessons;
    }

    /** The services the pages use: the same instances as the API's, so both doors answer alike. */
    public UiServices services() {
        return services;
    }

    void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (stopped.getCount() == 0) return;
        web.close();
        runs.close();
        database.close();
        stopped.countDown();
    }
}
