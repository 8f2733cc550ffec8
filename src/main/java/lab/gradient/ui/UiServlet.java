package lab.gradient.ui;

import com.vaadin.flow.server.CustomizedSystemMessages;
import com.vaadin.flow.server.VaadinServlet;

/**
 * Vaadin's servlet, with one change to its messages: when the server has restarted (its sessions are gone), an open
 * page reloads itself instead of showing "Session expired" over a blank page. A page watching a run then comes back
 * by itself, showing the run's true state (resumed from its checkpoint, or interrupted).
 */
public class UiServlet extends VaadinServlet {
    @Override
    protected void servletInitialized() throws jakarta.servlet.ServletException {
        super.servletInitialized();
        CustomizedSystemMessages messages = new CustomizedSystemMessages();
        messages.setSessionExpiredNotificationEnabled(false);
        getService().setSystemMessagesProvider(info -> messages);
    }
}
