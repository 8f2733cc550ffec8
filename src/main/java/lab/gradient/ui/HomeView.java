package lab.gradient.ui;

import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;

/** The landing page; the experiment builder grows here. */
@Route("")
@PageTitle("Gradient Lab")
public class HomeView extends VerticalLayout {
    public HomeView() {
        add(new H1("Gradient Lab"));
        add(new Paragraph("Train a vanilla RNN and an LSTM side by side on your own sentences, "
                + "and watch the gradient that reaches far-back words vanish or explode."));
    }
}
