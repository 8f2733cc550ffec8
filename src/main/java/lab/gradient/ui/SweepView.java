package lab.gradient.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.shared.Registration;
import lab.gradient.lessons.Lessons;
import lab.gradient.runs.NotFound;
import lab.gradient.sweeps.SweepService;

/** One sweep, live: where each model breaks as its points finish. The link is the sweep's read-only share link. */
@Route(value = "sweeps/:sweepId", layout = MainLayout.class)
@PageTitle("Sweep · Gradient Lab")
public class SweepView extends VerticalLayout implements BeforeEnterObserver {
    final H1 title = new H1();
    final Paragraph progress = new Paragraph();
    final TextField link = new TextField("Share this sweep (read-only link)");
    final Button cancel = new Button("Cancel the points still to train");
    final SweepPanel panel = new SweepPanel();
    private String sweepId;
    private Registration poll;

    public SweepView() {
        setMaxWidth("1280px");
        progress.setId("sweep-progress");
        link.setReadOnly(true);
        link.setWidth("min(40em, 100%)");
        link.setId("sweep-link");
        cancel.setId("sweep-cancel");
        cancel.addThemeVariants(ButtonVariant.LUMO_ERROR);
        cancel.addClickListener(e -> {
            UiServices.refusalsShown(() -> UiServices.sweeps().cancel(sweepId, OwnerSession.identities()));
            refresh();
        });
        Paragraph claim = new Paragraph(Lessons.distanceSweep().whatToLookAt());
        claim.addClassName("gl-caption");
        add(title, progress, claim, link, cancel, panel);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        sweepId = event.getRouteParameters().get("sweepId").orElse("");
        try {
            refresh();
        } catch (NotFound e) {
            throw new NotFoundException();
        }
        link.setValue(LabView.absolute("/sweeps/" + sweepId));
    }

    void refresh() {
        SweepService.View sweep = UiServices.sweeps().view(sweepId, OwnerSession.identities());
        title.setText(sweep.name());
        long finished = sweep.points().stream().filter(p -> Double.isFinite(p.longRangeAccuracy())).count();
        progress.setText(sweep.grid().modelIds().size() + " models × " + sweep.grid().distances().size() + " distances × "
                + sweep.grid().seeds() + (sweep.grid().seeds() == 1 ? " seed" : " seeds") + " · " + sweep.points().size()
                + " runs, " + finished + " finished · " + sweep.status());
        boolean running = "running".equals(sweep.status());
        cancel.setVisible(running && UiServices.sweeps().mayCancel(sweepId, OwnerSession.identities()));
        panel.show(sweep);
        // a finished sweep changes no more: the page stops asking
        getUI().ifPresent(ui -> ui.setPollInterval(running ? 2000 : -1));
    }

    @Override
    protected void onAttach(AttachEvent event) {
        poll = event.getUI().addPollListener(e -> refresh());
        refresh();
    }

    @Override
    protected void onDetach(DetachEvent event) {
        event.getUI().setPollInterval(-1);
        if (poll != null) poll.remove();
    }
}
