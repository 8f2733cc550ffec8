package lab.gradient.ui;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.HasElement;
import com.vaadin.flow.component.html.Header;
import com.vaadin.flow.component.html.Main;
import com.vaadin.flow.component.html.Nav;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.router.RouterLayout;
import com.vaadin.flow.router.RouterLink;

/** The frame of every page: the name, the links, and the page below in the document's one {@code <main>} landmark. */
public class MainLayout extends Div implements RouterLayout {
    private final Main main = new Main();

    public MainLayout() {
        addClassName("gl-layout");
        Span brand = new Span("Gradient Lab");
        brand.addClassName("gl-brand");
        RouterLink newExperiment = new RouterLink("New experiment", NewExperimentView.class);
        RouterLink runs = new RouterLink("My runs", RunsView.class);
        RouterLink join = new RouterLink("Join a lab", JoinView.class);
        RouterLink newLab = new RouterLink("New lab", NewLabView.class);
        Anchor api = new Anchor("/api/docs", "API");
        Nav nav = new Nav(newExperiment, runs, join, newLab, api);
        nav.addClassName("gl-nav");
        add(new Header(brand, nav), main);
    }

    /** A page goes inside {@code <main>}: a screen reader's "skip to content" lands on it (axe-core: landmark-one-main, region). */
    @Override
    public void showRouterLayoutContent(HasElement content) {
        if (content != null) main.getElement().appendChild(content.getElement());
    }

    @Override
    public void removeRouterLayoutContent(HasElement oldContent) {
        main.getElement().removeChild(oldContent.getElement());
    }
}
