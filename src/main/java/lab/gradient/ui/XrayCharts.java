package lab.gradient.ui;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import lab.gradient.model.Json;
import lab.gradient.training.Inspection;

/** The sentence x-ray's charts: everything over the sentence's words, left to right. */
final class XrayCharts {
    /** |h| above this is tanh's flat end, where 1 − h² (and with it the step's factor) is small. */
    static final double SATURATED = 0.95;

    private XrayCharts() {}

    /**
     * ‖∂ log p(target)/∂x_t‖ per word, bars on a log axis. A bar on a log axis grows from 1, so values below 1 hung
     * down from the top and the word used least had the longest bar: the values are scaled by a power of ten that
     * puts the smallest at 1 or above (said in the axis name), so every bar grows upward and the longest is the word
     * the prediction used most.
     */
    static ObjectNode saliency(Inspection x, String colour) {
        double smallest = java.util.Arrays.stream(x.saliency()).filter(v -> v > 0 && Double.isFinite(v)).min().orElse(1);
        int shift = Math.max(0, (int) Math.ceil(-Math.log10(smallest)));
        double scale = Math.pow(10, shift);
        ObjectNode option = overWords(x.words(), "‖∂ log p/∂x_t‖" + (shift == 0 ? "" : " × 10" + superscript(shift)), true);
        ((ObjectNode) option.get("yAxis")).put("min", 1);
        ObjectNode bars = option.withArray("series").addObject().put("type", "bar").put("name", "saliency for \u201c" + x.target() + "\u201d");
        bars.putObject("itemStyle").put("color", colour);
        ArrayNode data = bars.putArray("data");
        for (double v : x.saliency()) data.add(v > 0 && Double.isFinite(v) ? significant(Math.max(1, v * scale)) : null);
        return option;
    }

    private static String superscript(int n) {
        StringBuilder out = new StringBuilder();
        for (char c : Integer.toString(n).toCharArray()) out.append("⁰¹²³⁴⁵⁶⁷⁸⁹".charAt(c - '0'));
        return out.toString();
    }

    /** Each step's factor (dots) and the running product from the last word back (line), log axis. */
    static ObjectNode factors(Inspection x, String colour) {
        ObjectNode option = overWords(x.words(), "size", true);
        String of = x.factorsOf().equals("cell") ? "∂c_t/∂c_{t−1} (forget gate)" : "∂o_t/∂o_{t−1}";
        ObjectNode dots = option.withArray("series").addObject().put("type", "scatter").put("name", of).put("symbolSize", 7);
        dots.putObject("itemStyle").put("color", colour);
        positive(dots.putArray("data"), x.factors());
        ObjectNode line = option.withArray("series").addObject().put("type", "line").put("name", "product back from the last word");
        line.putObject("lineStyle").put("color", colour).put("width", 2);
        line.putObject("itemStyle").put("color", colour);
        positive(line.putArray("data"), x.product());
        option.putObject("legend").put("top", 0).put("left", 0);
        return option;
    }

    /** A units × words matrix as a heatmap; {@code markSaturated}: a dot on every |value| > 0.95. */
    static ObjectNode heatmap(List<String> words, double[][] unitsByWords, double min, double max, boolean markSaturated, String name) {
        ObjectNode option = overWords(words, "unit", false);
        option.putObject("grid").put("left", 50).put("right", 70).put("top", 20).put("bottom", 60);
        ((ObjectNode) option.get("xAxis")).put("type", "category");
        ObjectNode y = option.putObject("yAxis").put("type", "category").put("name", "unit");
        ArrayNode units = y.putArray("data");
        for (int i = 0; i < unitsByWords.length; i++) units.add(i);
        ArrayNode data = Json.MAPPER.createArrayNode(), saturated = Json.MAPPER.createArrayNode();
        for (int i = 0; i < unitsByWords.length; i++) {
            for (int t = 0; t < words.size(); t++) {
                double v = unitsByWords[i][t];
                data.addArray().add(t).add(i).add(Math.round(v * 1000) / 1000.0);
                if (markSaturated && Math.abs(v) > SATURATED) saturated.addArray().add(t).add(i);
            }
        }
        option.putObject("visualMap").put("min", min).put("max", max).put("calculable", true).put("orient", "vertical")
                .put("right", 0).put("top", "middle").put("seriesIndex", 0).putObject("inRange").putArray("color")
                .add("#0b3c8c").add("#f8f9fa").add("#c92a2a");
        option.withArray("series").addObject().put("type", "heatmap").put("name", name).set("data", data);
        if (markSaturated) {
            ObjectNode dots = option.withArray("series").addObject().put("type", "scatter").put("name", "|h| > 0.95 (saturated)")
                    .put("symbolSize", 4);
            dots.putObject("itemStyle").put("color", "#212529");
            dots.set("data", saturated);
        }
        return option;
    }

    /** The forget, input and output gates' mean over units per word, and the cell's size (right axis). */
    static ObjectNode gateMeans(Inspection x) {
        ObjectNode option = overWords(x.words(), "gate (mean over units)", false);
        String[] names = {"forget", "input", "output"};
        double[][][] gates = {x.gates().forget(), x.gates().input(), x.gates().output()};
        for (int g = 0; g < 3; g++) {
            ObjectNode line = option.withArray("series").addObject().put("type", "line").put("name", names[g]);
            line.putObject("lineStyle").put("color", ChartOptions.COLOURS.get(g + 2));
            line.putObject("itemStyle").put("color", ChartOptions.COLOURS.get(g + 2));
            ArrayNode data = line.putArray("data");
            for (int t = 0; t < x.words().size(); t++) {
                double sum = 0;
                for (double[] unit : gates[g]) sum += unit[t];
                data.add(Math.round(sum / gates[g].length * 1000) / 1000.0);
            }
        }
        // two y axes, the gates' (0 to 1) and the cell's size: it grows where words are written in and stays where the
        // forget gate keeps it
        ArrayNode axes = option.putArray("yAxis");
        axes.addObject().put("type", "value").put("name", "gate (mean over units)").put("nameLocation", "middle").put("nameGap", 45)
                .put("min", 0).put("max", 1);
        axes.addObject().put("type", "value").put("name", "‖c_t‖").put("position", "right").put("scale", true);
        ObjectNode cell = option.withArray("series").addObject().put("type", "line").put("name", "cell size ‖c_t‖").put("yAxisIndex", 1);
        cell.putObject("lineStyle").put("color", "#495057").put("type", "dashed");
        cell.putObject("itemStyle").put("color", "#495057");
        ArrayNode sizes = cell.putArray("data");
        for (double c : x.cell()) sizes.add(Math.round(c * 1000) / 1000.0);
        option.putObject("legend").put("top", 0).put("left", 0);
        ((ObjectNode) option.get("grid")).put("right", 60);
        return option;
    }

    /** A chart whose x axis is the sentence's words, in order (a word repeated is still its own place). */
    private static ObjectNode overWords(List<String> words, String yName, boolean logY) {
        ObjectNode option = Json.MAPPER.createObjectNode();
        option.putObject("grid").put("left", 60).put("right", 20).put("top", 30).put("bottom", 60);
        ArrayNode xs = option.putObject("xAxis").put("type", "category").put("name", "word").put("nameLocation", "middle")
                .put("nameGap", 45).putArray("data");
        for (int t = 0; t < words.size(); t++) xs.add(words.get(t));
        ((ObjectNode) option.get("xAxis")).putObject("axisLabel").put("rotate", 45).put("interval", 0);
        ObjectNode y = option.putObject("yAxis").put("type", logY ? "log" : "value").put("name", yName).put("nameLocation", "middle")
                .put("nameGap", 45).put("scale", true);
        if (logY) y.put("logBase", 10);
        option.putArray("series");
        return option;
    }

    private static void positive(ArrayNode data, double[] values) {
        for (double v : values) {
            if (v > 0 && Double.isFinite(v)) data.add(significant(v));
            else data.addNull();
        }
    }

    /** Three significant digits: what a tooltip shows (0.006397097837179899 read as 0.0064 is all a student needs). */
    static double significant(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).doubleValue();
    }
}
