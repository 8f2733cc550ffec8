package lab.gradient.ui;

import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import lab.gradient.model.Run;

/** A run's share link: the experiment it belongs to, as {@link ExperimentView} shows it. */
@Route(value = "runs/:runId", layout = MainLayout.class)
@PageTitle("Run · Gradient Lab")
public class RunView extends ExperimentView {
    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        runs = UiServices.runs();
        Run run = runs.run(event.getRouteParameters().get("runId").orElse("")).orElseThrow(NotFoundException::new);
        experiment = runs.experiment(run.experimentId()).orElseThrow(NotFoundException::new);
        load();
    }
}
