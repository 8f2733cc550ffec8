package lab.gradient.ui;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextField;
import java.util.List;
import java.util.Locale;
import lab.gradient.model.Run;
import lab.gradient.runs.RunService;
import lab.gradient.training.Inspection;

/**
 * Inside one sentence, per model side by side: which earlier words the prediction used, the product of
 * ∂o_t/∂o_{t−1} word by word, and the states (the LSTM's gates). Reads {@link RunService#inspect}; anyone who may
 * read the experiment may x-ray it (it changes nothing).
 */
final class SentenceXray extends Div {
    final TextField text = new TextField("Sentence (the model reads it as a prefix)");
    final TextField target = new TextField("Follow the word (empty: each model's own prediction)");
    final HorizontalLayout columns = new HorizontalLayout();
    private RunService runs;
    private List<Run> arms = List.of();
    private List<String> labels = List.of();
    private List<String> colours = List.of();

    SentenceXray() {
        setId("xray");
        setWidthFull();
        text.setId("xray-text");
        text.setWidth("min(40em, 100%)");
        target.setId("xray-target");
        Button go = new Button("X-ray each model", e -> inspect());
        go.setId("xray-go");
        text.addKeyPressListener(Key.ENTER, e -> inspect());
        HorizontalLayout row = new HorizontalLayout(text, target, go);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        row.setWrap(true);
        columns.setWrap(true);
        columns.setWidthFull();
        add(row, columns);
    }

    /** The experiment's arms; the sentence starts as one of its own corpus (on long-range, up to the answer). */
    void show(RunService runs, List<Run> arms, List<String> labels, List<String> colours) {
        this.runs = runs;
        this.arms = arms;
        this.labels = labels;
        this.colours = colours;
        if (text.isEmpty() && !arms.isEmpty()) text.setValue(runs.exampleSentence(arms.get(0)));
    }

    void inspect() {
        // one inspection per arm, as the API counts POST /api/runs/{id}/inspect
        ArmColumns.fill(columns, arms.size(), 1, "gl-xray", labels::get, (column, i) -> {
            Run run = arms.get(i);
            runs.inspect(run.id(), text.getValue(), target.getValue()).ifPresentOrElse(x -> draw(column, x, colours.get(i),
                            lab.gradient.training.ModelKind.of(run.model())),
                    () -> column.add(new Paragraph("No trained model yet (" + run.status() + ").")));
        });
    }


    private static void draw(Div column, Inspection x, String colour, lab.gradient.training.ModelKind kind) {
        column.add(new Paragraph(String.format(Locale.ROOT, "Predicts \u201c%s\u201d. The shade of each word is how much p(\u201c%s\u201d) "
                + "depends on it, relative to the word it depends on most.", x.predicted(), x.target())));
        column.add(highlighted(x));
        column.add(chart("xray-saliency", XrayCharts.saliency(x, colour),
                "‖∂ log p/∂x_t‖ for each word on a log scale: a far-back word whose bar stays high is one the model still uses."));
        column.add(chart("xray-factors", XrayCharts.factors(x, colour), x.factorsOf().equals("cell")
                ? "Dots: per word, the size of ∂c_t/∂c_{t−1} along the cell, its largest forget gate. Line: the size of the product "
                        + "from the last word back (log scale); a flat line is a memory kept."
                : "Dots: per word, the size of ∂o_t/∂o_{t−1} (its largest singular value). Line: the size of the product from the "
                        + "last word back (log scale); falling by orders of magnitude is the gradient vanishing, rising is exploding."
                        + factorsAboveOneWhileTheProductFalls(x)));
        if (x.gates() != null) {
            column.add(chart("xray-gates", XrayCharts.gateMeans(x),
                    "The gates' mean over units per word, and the cell's size (dashed, right axis): a forget gate near 1 carries the "
                            + "cell across the filler; the input gate rises where a word is written into it."));
            column.add(chart("xray-forget", XrayCharts.heatmap(x.words(), x.gates().forget(), 0, 1, false, "forget gate"),
                    "The forget gate, units × words (1: keep the cell, 0: erase it)."));
            column.add(chart("xray-input", XrayCharts.heatmap(x.words(), x.gates().input(), 0, 1, false, "input gate"),
                    "The input gate, units × words (1: write this word into the cell)."));
            column.add(chart("xray-output", XrayCharts.heatmap(x.words(), x.gates().output(), 0, 1, false, "output gate"),
                    "The output gate, units × words (1: show the cell in the hidden state)."));
        } else if (kind == lab.gradient.training.ModelKind.RNN || kind == lab.gradient.training.ModelKind.RNN_SKIP) {
            column.add(chart("xray-hidden", XrayCharts.heatmap(x.words(), x.hidden(), -1, 1, true, "hidden state"),
                    "The hidden state, units × words; dots mark |h| > 0.95, where tanh is flat, 1 − h² is small and so is the factor."));
        } else {
            // ReLU's states are not in [−1, 1] and never saturate: the scale is the states' own, and an off unit is what matters
            double low = 0, high = 0;
            for (double[] unit : x.hidden()) for (double h : unit) {
                low = Math.min(low, h);
                high = Math.max(high, h);
            }
            column.add(chart("xray-hidden", XrayCharts.heatmap(x.words(), x.hidden(), low, Math.max(high, 1e-6), false, "hidden state"),
                    kind == lab.gradient.training.ModelKind.RNN_LEAKY
                            ? "The hidden state, units × words. A unit below 0 passes back only 0.01 of what reaches it (leaky ReLU's slope "
                                    + "there); one above 0 passes all of it: W_h alone then sets the factor."
                            : "The hidden state, units × words. A unit at 0 is off: its slope is 0, so nothing passes back through it; "
                                    + "one above 0 passes all of it (no saturation): W_h alone then sets the factor."));
        }
        if (x.layers() > 1) column.add(new Paragraph("Factors and states are the first of the model's " + x.layers() + " recurrent layers'."));
    }

    /**
     * What the notes' story ("each factor is small, so the product vanishes") does not say, where this sentence shows it:
     * factors above 1 while their product falls below 1.
     */
    static String factorsAboveOneWhileTheProductFalls(Inspection x) {
        double largestFactor = java.util.Arrays.stream(x.factors()).max().orElse(0);
        double smallestProduct = java.util.Arrays.stream(x.product()).min().orElse(1);
        if (largestFactor <= 1 || smallestProduct >= 1) return "";
        return String.format(Locale.ROOT, " Here the factors reach %.3g while their product falls to %.3g: each factor's size is how much "
                + "it stretches its most-stretched direction, and those directions differ from word to word, so what one factor "
                + "stretches the next squeezes. The product's size, not the factors', is what reaches the far word.", largestFactor, smallestProduct);
    }

    /** The words, each shaded by its saliency relative to the largest. */
    private static Div highlighted(Inspection x) {
        Div words = new Div();
        words.addClassName("gl-xray-words");
        double max = 0;
        for (double v : x.saliency()) max = Math.max(max, v);
        for (int t = 0; t < x.words().size(); t++) {
            double share = max > 0 ? x.saliency()[t] / max : 0;
            Span word = new Span(x.words().get(t));
            word.getStyle().set("background", String.format(Locale.ROOT, "rgba(255, 146, 43, %.3f)", share));
            word.getElement().setAttribute("title", String.format(Locale.ROOT, "%.3g (%.0f%% of the largest)", x.saliency()[t], 100 * share));
            word.getElement().setAttribute("data-saliency", String.format(Locale.ROOT, "%.4f", share));
            words.add(word, new Span(" "));
        }
        return words;
    }

    private static Div chart(String id, com.fasterxml.jackson.databind.node.ObjectNode option, String caption) {
        Chart chart = new Chart();
        chart.setHeight("240px");
        chart.setOption(option);
        chart.addClassName(id);
        Paragraph p = new Paragraph(caption);
        p.addClassName("gl-caption");
        return new Div(chart, p);
    }
}
