package lab.gradient.ui;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.ParentLayout;
import jakarta.servlet.http.HttpServletResponse;

/**
 * What a link to a run, lab or sweep that is not there (deleted, or cut short when it was copied) opens: a page in the
 * app's own layout that says so and where to go, not Vaadin's raw "Could not navigate to 'runs/…'".
 */
@ParentLayout(MainLayout.class)
public class NotFoundView extends VerticalLayout implements HasErrorParameter<NotFoundException> {
    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<NotFoundException> parameter) {
        removeAll();
        setId("not-found");
        String path = event.getLocation().getPath();
        add(new H1("Nothing here"), new Paragraph("There is no page at /" + path + ": the run, lab or sweep it named may have "
                + "been deleted, or the link was cut short when it was copied."),
                new Paragraph(new Anchor("", "Start a new experiment"), new com.vaadin.flow.component.Text(" · "),
                        new Anchor("runs", "My runs")));
        return HttpServletResponse.SC_NOT_FOUND;
    }
}
