package lab.gradient.ui;

import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.server.VaadinServlet;
import lab.gradient.labs.LabService;
import lab.gradient.lessons.LessonService;
import lab.gradient.runs.IssuedTokens;
import lab.gradient.runs.NotFound;
import lab.gradient.runs.NotPermitted;
import lab.gradient.runs.RateLimits;
import lab.gradient.runs.RunEnded;
import lab.gradient.runs.RunService;
import lab.gradient.sweeps.SweepService;

/** How a view reaches the application services: the server puts them in the servlet context at start-up. */
public final class UiServices {
    public static final String ATTRIBUTE = UiServices.class.getName();

    private final RunService runs;
    private final LabService labs;
    private final LessonService lessons;
    private final SweepService sweeps;
    private final IssuedTokens tokens;
    private final RateLimits limits;

    public UiServices(RunService runs, LabService labs, LessonService lessons, SweepService sweeps, IssuedTokens tokens, RateLimits limits) {
        this.runs = runs;
        this.labs = labs;
        this.lessons = lessons;
        this.sweeps = sweeps;
        this.tokens = tokens;
        this.limits = limits;
    }

    private static UiServices current() {
        return (UiServices) VaadinServlet.getCurrent().getServletContext().getAttribute(ATTRIBUTE);
    }

    static RunService runs() {
        return current().runs;
    }

    static LabService labs() {
        return current().labs;
    }

    static LessonService lessons() {
        return current().lessons;
    }

    static SweepService sweeps() {
        return current().sweeps;
    }

    static IssuedTokens tokens() {
        return current().tokens;
    }

    /** Takes one of this browser's address's allowance for {@code action} (the API's limits), or refuses. */
    static void limit(RateLimits.Action action) {
        limit(action, 1);
    }

    /** As above for a click that does {@code requests} of the API's requests' work (one per arm inspected, say). */
    static void limit(RateLimits.Action action, int requests) {
        current().limits.acquire(action, OwnerSession.clientAddress(), requests);
    }

    static RateLimits limits() {
        return current().limits;
    }

    /**
     * Does what the user asked; a refusal of the service (not theirs to change, or already over) is shown in the
     * service's own words, the words the API answers with.
     */
    static void refusalsShown(Runnable action) {
        try {
            action.run();
        } catch (NotPermitted | RunEnded | NotFound refused) {
            Notification.show(refused.getMessage());
        }
    }
}
