package lab.gradient.ui;

import java.util.List;

/** The views the server registers with Vaadin (no classpath scanning: the list is the truth). */
public final class UiRoutes {
    public static final List<Class<?>> ROUTES = List.of(NewExperimentView.class, ExperimentView.class, RunView.class,
            RunsView.class, CompareView.class, NewLabView.class, JoinView.class, LabView.class, NewSweepView.class, SweepView.class);
    public static final Class<?> APP_SHELL = AppShell.class;
    /** The page a link to nothing opens (Vaadin's own error view for other server errors). */
    public static final Class<?> NOT_FOUND = NotFoundView.class;

    private UiRoutes() {}
}
