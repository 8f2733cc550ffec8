package lab.gradient.ui;

import com.vaadin.flow.server.VaadinServlet;
import lab.gradient.runs.RunService;

/** How a view reaches the application service: the server puts it in the servlet context at start-up. */
public final class UiServices {
    public static final String ATTRIBUTE = RunService.class.getName();

    private UiServices() {}

    static RunService runs() {
        return (RunService) VaadinServlet.getCurrent().getServletContext().getAttribute(ATTRIBUTE);
    }
}
