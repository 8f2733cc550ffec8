package lab.gradient.ui;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.Routes;
import com.vaadin.flow.server.VaadinServlet;
import java.util.UUID;
import lab.gradient.labs.LabService;
import lab.gradient.lessons.LessonService;
import lab.gradient.runs.IssuedTokens;
import lab.gradient.runs.QueuePolicy;
import lab.gradient.runs.RateLimits;
import lab.gradient.runs.RunEvents;
import lab.gradient.runs.RunService;
import lab.gradient.store.Database;
import lab.gradient.store.LabStore;
import lab.gradient.store.RunStore;
import lab.gradient.store.SweepStore;
import lab.gradient.store.TokenStore;
import lab.gradient.sweeps.SweepService;

/**
 * What a Karibu test stands on: the application's real services, wired as the server wires them, on a fresh in-memory
 * database, and a mocked browser that reaches them (every view of {@code lab.gradient.ui} routable). The workers are
 * not started: a test that needs runs trained calls {@code runs.start()}.
 */
final class KaribuApp implements AutoCloseable {
    private static final Routes ROUTES = new Routes().autoDiscoverViews("lab.gradient.ui");

    final Database database = Database.open("jdbc:h2:mem:ui-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    final RunStore store = new RunStore(database);
    final RunEvents events = new RunEvents();
    final IssuedTokens tokens = new IssuedTokens(new TokenStore(database));
    final LabService labs = new LabService(new LabStore(database), tokens);
    final RunService runs;
    final SweepService sweeps;
    private final UiServices services;

    KaribuApp(int workers) {
        runs = new RunService(store, events, workers, QueuePolicy.defaults(workers), RunService.DEFAULT_RUN_BUDGET_SECONDS, labs);
        sweeps = new SweepService(new SweepStore(database), runs, labs);
        services = new UiServices(runs, labs, new LessonService(runs, new lab.gradient.store.SeedGroupStore(database), labs), sweeps, tokens, RateLimits.defaults());
        newBrowser();
    }

    /** Another browser (its own session and cookies, so no identity yet) on the same server. */
    void newBrowser() {
        MockVaadin.tearDown();
        MockVaadin.setup(ROUTES);
        VaadinServlet.getCurrent().getServletContext().setAttribute(UiServices.ATTRIBUTE, services);
    }

    @Override
    public void close() {
        MockVaadin.tearDown();
        runs.close();
        database.close();
    }
}
