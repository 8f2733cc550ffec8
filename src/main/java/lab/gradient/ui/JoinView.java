package lab.gradient.ui;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import lab.gradient.labs.LabException;
import lab.gradient.labs.LabService;
import lab.gradient.model.Lab;
import lab.gradient.model.Participant;
import lab.gradient.runs.RateLimits;
import lab.gradient.training.SettingsException;

/** {@code /join/{code}}: one field, the name the class will see. Without a code in the link, the code too. */
@Route(value = "join/:code?", layout = MainLayout.class)
@PageTitle("Join a lab · Gradient Lab")
public class JoinView extends VerticalLayout implements BeforeEnterObserver {
    final H1 title = new H1("Join a lab");
    final Paragraph intro = new Paragraph();
    final TextField code = new TextField("Join code");
    final TextField name = new TextField("Your name, as the class will see it");
    final Button join = new Button("Join");
    final Span error = new Span();

    public JoinView() {
        setMaxWidth("640px");
        code.setId("join-code-field");
        name.setId("join-name");
        join.setId("join");
        error.setId("join-error");
        error.addClassName("gl-error");
        error.getElement().setAttribute("role", "alert");
        name.setMaxLength(40);
        name.setWidth("min(22em, 100%)");
        join.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        join.addClickListener(e -> join());
        name.addKeyPressListener(Key.ENTER, e -> join());
        HorizontalLayout row = new HorizontalLayout(code, name, join);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        row.setWrap(true);
        add(title, intro, row, error);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        String typed = event.getRouteParameters().get("code").orElse("");
        code.setValue(typed);
        code.setVisible(typed.isEmpty());
        if (typed.isEmpty()) {
            intro.setText("Type the code your teacher gave you and the name the class will see. No account needed.");
            return;
        }
        LabService labs = UiServices.labs();
        labs.byJoinCode(typed).ifPresentOrElse(lab -> {
            title.setText("Join " + lab.name());
            intro.setText(lab.open() ? "Type the name the class will see. No account needed: this browser remembers you."
                    : "This lab is closed: ask your teacher to open it.");
            Lab found = lab;
            if (labs.role(found, OwnerSession.identities()) != LabService.Role.NONE) {
                event.forwardTo("labs/" + found.id());
            }
        }, () -> {
            intro.setText("No lab has the code " + typed + ". Check it with your teacher.");
            code.setVisible(true);
        });
    }

    void join() {
        error.setText("");
        try {
            Lab lab = UiServices.limits().join(OwnerSession.clientAddress(), () -> UiServices.labs().requireByJoinCode(code.getValue()),
                    Lab::joinCode);
            Participant p = UiServices.labs().join(lab.joinCode(), name.getValue(), OwnerSession.ownerOrCreate());
            getUI().ifPresent(ui -> ui.navigate("labs/" + p.labId()));
        } catch (SettingsException e) {
            error.setText(e.reason());
        } catch (LabException | RateLimits.Limited e) {
            error.setText(e.getMessage());
        }
    }
}
