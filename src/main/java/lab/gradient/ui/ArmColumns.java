package lab.gradient.ui;

import com.vaadin.flow.component.HasComponents;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import java.util.function.IntFunction;
import lab.gradient.runs.Busy;
import lab.gradient.runs.RateLimits;
import lab.gradient.training.SettingsException;

/**
 * A page's answer from every model at once (the next word, the x-ray): first the API's allowance for the requests it
 * does, then one column per arm under the arm's name, each arm's refusal said in its own column in its own words.
 */
final class ArmColumns {
    private ArmColumns() {}

    /** What one arm's column shows; it may refuse with the service's words. */
    interface Answer {
        void into(Div column, int arm);
    }

    /**
     * Fills {@code target} anew: {@code requestsPerArm} of the prediction allowance per arm (what the API would count),
     * or the refusal alone; then {@code arms} columns of class {@code columnClass}.
     */
    static void fill(HasComponents target, int arms, int requestsPerArm, String columnClass, IntFunction<String> label, Answer answer) {
        target.removeAll();
        try {
            UiServices.limit(RateLimits.Action.PREDICT, Math.max(1, requestsPerArm * arms));
        } catch (RateLimits.Limited e) {
            target.add(new Paragraph(e.getMessage()));
            return;
        }
        for (int i = 0; i < arms; i++) {
            Div column = new Div(new H3(label.apply(i)));
            column.addClassName(columnClass);
            try {
                answer.into(column, i);
            } catch (SettingsException e) {
                column.add(new Paragraph(e.reason()));
            } catch (Busy e) {
                column.add(new Paragraph(e.getMessage()));
            }
            target.add(column);
        }
    }
}
