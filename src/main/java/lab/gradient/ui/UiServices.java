package lab.gradient.ui;

import com.vaadin.flow.server.VaadinServlet;
import lab.gradient.labs.LabService;
import lab.gradient.lessons.LessonService;
import lab.gradient.runs.RunService;

/** How a view reaches the application services: the server puts them in the servlet context at start-up. */
public final class UiServices {
    public static final String ATTRIBUTE = UiServices.class.getName();

    private final RunService runs;
    private final LabService labs;
    private final LessonService lessons;

    public UiServices(RunService runs, LabService labs, LessonService lessons) {
        this.runs = runs;
        this.labs = labs;
        this.lessons = lessons;
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
}
