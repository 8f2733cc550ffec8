package lab.gradient.ui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import com.vaadin.flow.component.dependency.NpmPackage;

/** The chart web component of {@code frontend/gl-chart.js}: every chart in the app is one of these. */
@Tag("gl-chart")
@NpmPackage(value = "echarts", version = "5.6.0")
@JsModule("./gl-chart.js")
public class Chart extends Component implements HasSize {
    private String option;

    public Chart() {
        setWidthFull();
        setHeight("320px");
    }

    public void setOption(ObjectNode option) {
        String json = option.toString();
        if (json.equals(this.option)) return;
        this.option = json;
        getElement().setProperty("option", json);
    }

    String option() {
        return option;
    }
}
