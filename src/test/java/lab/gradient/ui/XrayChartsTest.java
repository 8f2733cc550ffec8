package lab.gradient.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import lab.gradient.training.Inspection;
import org.junit.jupiter.api.Test;

/**
 * The x-ray's saliency bars read the right way up (issue 33: on a log axis the bars hung from the top, so the far key
 * the RNN barely used, saliency 0.0064, had the longest bar).
 */
class XrayChartsTest {
    @Test
    void theLongestSaliencyBarIsTheWordThePredictionUsedMost() {
        double[] saliency = {0.0064, 0.02, 0.3, 1.7123456};
        Inspection x = new Inspection(List.of("tamil", "is", "spoken", "in"), "chennai", "chennai", saliency, "hidden",
                new double[4], new double[] {0.03, 0.1, 0.5, 1}, new double[][] {{0, 0, 0, 0}}, null, null, 1);
        ObjectNode option = XrayCharts.saliency(x, "#1c7ed6");
        JsonNode data = option.at("/series/0/data");
        double floor = option.at("/yAxis/min").asDouble();
        assertEquals(1.0, floor, "bars grow up from 1, the log axis's foot");
        for (int t = 0; t < 4; t++) {
            assertTrue(data.get(t).asDouble() >= floor, "bar " + t + " grows upward: " + data);
            // the bar's length on the log axis is log(value / floor): it orders the words as their saliency does
            if (t > 0) assertTrue(data.get(t).asDouble() > data.get(t - 1).asDouble(), data.toString());
        }
        assertEquals(1710, data.get(3).asDouble(), "scaled by 10³ and read to three digits");
        assertEquals(6.4, data.get(0).asDouble());
        assertEquals("‖∂ log p/∂x_t‖ × 10³", option.at("/yAxis/name").asText(), "the scale is said");
        // tooltips show three significant digits, not 0.006397097837179899
        JsonNode product = XrayCharts.factors(new Inspection(List.of("a", "b"), "c", "c", new double[] {1, 1}, "hidden",
                new double[] {2.718281828, 1}, new double[] {0.006397097837179899, 1}, new double[][] {{0, 0}}, null, null, 1), "#1c7ed6");
        assertEquals(0.0064, product.at("/series/1/data/0").asDouble());
        assertEquals(2.72, product.at("/series/0/data/0").asDouble());
    }
}
