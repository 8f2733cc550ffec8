package lab.gradient.ui;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import lab.gradient.model.Json;

/** ECharts options built in Java: lines over a numeric x axis, optionally log-scaled, and a heatmap. */
final class ChartOptions {
    /** Each at least 4.5:1 against white, so an arm's label in its colour is readable text too (axe-core: color-contrast). */
    static final List<String> COLOURS = List.of("#1f6fd1", "#c2410c", "#237032", "#862e9c", "#a85400", "#0b7285");

    private final ObjectNode option = Json.MAPPER.createObjectNode();
    private final ArrayNode series = option.putArray("series");
    private final ArrayNode legend;

    ChartOptions(String xName, String yName, boolean logY) {
        option.putObject("grid").put("left", 70).put("right", 20).put("top", 40).put("bottom", 40);
        // the legend leaves the top-right corner to the PNG button; the y axis's name runs along the axis, not above it,
        // so on a phone neither sits on the legend
        legend = option.putObject("legend").put("type", "scroll").put("top", 0).put("left", 0).put("right", 40).putArray("data");
        option.putObject("xAxis").put("type", "value").put("name", xName).put("nameLocation", "middle").put("nameGap", 25)
                .put("scale", true);
        ObjectNode y = option.putObject("yAxis").put("type", logY ? "log" : "value").put("name", yName).put("nameLocation", "middle")
                .put("nameGap", 50).put("scale", true);
        if (logY) y.put("logBase", 10);
        option.putArray("color").addAll(COLOURS.stream().map(Json.MAPPER.getNodeFactory()::textNode).toList());
        option.putArray("dataZoom").addObject().put("type", "inside");
    }

    /** One line; points whose y is missing (or not positive on a log axis) are skipped. */
    ChartOptions line(String name, double[] x, double[] y, String colour, boolean dashed, boolean logY) {
        ObjectNode s = series.addObject().put("name", name).put("type", "line");
        if (colour != null) s.putObject("itemStyle").put("color", colour);
        ObjectNode style = s.putObject("lineStyle").put("width", 1.5);
        if (colour != null) style.put("color", colour);
        if (dashed) style.put("type", "dashed");
        ArrayNode data = s.putArray("data");
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(y[i]) || (logY && y[i] <= 0)) continue;
            data.addArray().add(x[i]).add(y[i]);
        }
        addToLegend(name);
        return this;
    }

    /** Series of one name (a band's edges) share one legend entry, which shows or hides them together. */
    private void addToLegend(String name) {
        for (var existing : legend) if (existing.asText().equals(name)) return;
        legend.add(name);
    }

    /**
     * A shaded band from {@code lower} to {@code upper} (the quartiles of a class): two series stacked on the same x
     * points, the lower one invisible, the upper one the band's height filled. One legend entry toggles both. ECharts
     * stacks a series' first dimension when both axes are value axes (apache/echarts#20506): it added the x's, and the
     * band ran to twice the last iteration. So each point is written (y, x), with {@code encode} saying which is which.
     */
    ChartOptions band(String name, double[] x, double[] lower, double[] upper, String colour) {
        ObjectNode base = series.addObject().put("name", name).put("type", "line").put("stack", name).put("symbol", "none")
                .put("silent", true);
        base.putObject("encode").put("x", 1).put("y", 0);
        base.putObject("lineStyle").put("opacity", 0);
        ObjectNode height = series.addObject().put("name", name).put("type", "line").put("stack", name).put("symbol", "none")
                .put("silent", true);
        height.putObject("encode").put("x", 1).put("y", 0);
        height.putObject("lineStyle").put("opacity", 0);
        height.putObject("areaStyle").put("opacity", 0.2).put("color", colour);
        height.putObject("itemStyle").put("color", colour);
        ArrayNode low = base.putArray("data"), high = height.putArray("data");
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(lower[i]) || !Double.isFinite(upper[i])) continue;
            low.addArray().add(lower[i]).add(x[i]);
            high.addArray().add(upper[i] - lower[i]).add(x[i]);
        }
        addToLegend(name);
        return this;
    }

    /** Separate points, not a line: a few measurements (one per evaluation) shown as dots. */
    ChartOptions points(String name, double[] x, double[] y, String colour) {
        ObjectNode s = series.addObject().put("name", name).put("type", "scatter").put("symbolSize", 7);
        if (colour != null) s.putObject("itemStyle").put("color", colour);
        ArrayNode data = s.putArray("data");
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(y[i])) data.addArray().add(x[i]).add(y[i]);
        }
        legend.add(name);
        return this;
    }

    /** A point that opens {@code href} when clicked (gl-chart follows it), with {@code label} in its tooltip. */
    record Link(double x, double y, String href, String label) {}

    /** Separate points, each a link: one measurement per run, clicked to open the run. Skips what a log axis cannot show. */
    ChartOptions links(String name, List<Link> points, String colour, boolean logY) {
        // above the lines through the same points (z 2), so a click on a point is the point's, not the line's
        ObjectNode s = series.addObject().put("name", name).put("type", "scatter").put("symbolSize", 9).put("cursor", "pointer").put("z", 3);
        if (colour != null) s.putObject("itemStyle").put("color", colour).put("opacity", 0.8);
        s.putObject("tooltip").put("trigger", "item").put("formatter", "{b}");
        ArrayNode data = s.putArray("data");
        for (Link p : points) {
            if (!Double.isFinite(p.y()) || (logY && p.y() <= 0)) continue;
            ObjectNode item = data.addObject().put("name", p.label()).put("href", p.href());
            item.putArray("value").add(p.x()).add(p.y());
        }
        addToLegend(name);
        return this;
    }

    /** A dashed horizontal line across the chart at {@code y}, named in the legend (guessing, a threshold). */
    ChartOptions level(String name, double y, String colour) {
        ObjectNode s = series.addObject().put("name", name).put("type", "line").put("silent", true);
        s.putArray("data");
        ObjectNode line = s.putObject("markLine").put("symbol", "none").put("silent", true);
        line.putObject("lineStyle").put("type", "dashed").put("color", colour).put("width", 1.5);
        line.putObject("label").put("formatter", name).put("position", "insideEndTop");
        line.putArray("data").addObject().put("yAxis", y);
        s.putObject("itemStyle").put("color", colour);
        addToLegend(name);
        return this;
    }

    /** A whole-number x axis (distances), with room at both ends so the first and last points are not cut by the axis. */
    ChartOptions wholeNumberX() {
        ObjectNode x = (ObjectNode) option.get("xAxis");
        x.put("minInterval", 1);
        x.putArray("boundaryGap").add("4%").add("4%");
        return this;
    }

    /** Fixes the y axis to [min, max] (an accuracy's 0 to 1). */
    ChartOptions yRange(double min, double max) {
        ((ObjectNode) option.get("yAxis")).put("min", min).put("max", max).put("scale", false);
        return this;
    }

    ChartOptions hideInLegend(String name) {
        ObjectNode legendNode = (ObjectNode) option.get("legend");
        ObjectNode selected = legendNode.has("selected") ? (ObjectNode) legendNode.get("selected") : legendNode.putObject("selected");
        selected.put(name, false);
        return this;
    }

    ObjectNode build() {
        return option;
    }

    /** Distance × iteration, coloured by log10 of the gradient norm: where the blue (vanished) region grows. */
    static ObjectNode heatmap(List<Integer> iterations, List<double[]> norms) {
        ObjectNode option = Json.MAPPER.createObjectNode();
        option.putObject("grid").put("left", 60).put("right", 80).put("top", 20).put("bottom", 40);
        option.putObject("tooltip").put("position", "top");
        ArrayNode xs = option.putObject("xAxis").put("type", "category").put("name", "iteration").put("nameLocation", "middle")
                .put("nameGap", 25).putArray("data");
        iterations.forEach(xs::add);
        int steps = norms.isEmpty() ? 0 : norms.get(0).length;
        ArrayNode ys = option.putObject("yAxis").put("type", "category").put("name", "steps back").putArray("data");
        for (int k = 0; k < steps; k++) ys.add(k);
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        ArrayNode data = Json.MAPPER.createArrayNode();
        for (int i = 0; i < norms.size(); i++) {
            for (int k = 0; k < steps; k++) {
                double v = norms.get(i)[k];
                if (!(v > 0) || !Double.isFinite(v)) continue;
                double log = Math.log10(v);
                min = Math.min(min, log);
                max = Math.max(max, log);
                data.addArray().add(i).add(k).add(Math.round(log * 100) / 100.0);
            }
        }
        option.putObject("visualMap").put("min", min == Double.MAX_VALUE ? -8 : Math.floor(min))
                .put("max", max == -Double.MAX_VALUE ? 0 : Math.ceil(max)).put("calculable", true).put("orient", "vertical")
                .put("right", 0).put("top", "middle").put("text", "log10 g").putObject("inRange").putArray("color")
                .add("#0b3c8c").add("#4dabf7").add("#ffe066").add("#e03131");
        option.putArray("series").addObject().put("type", "heatmap").put("name", "log10 g(k)").set("data", data);
        return option;
    }
}
