package lab.gradient.ui;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.theme.Theme;

/** Page-wide settings: the theme from {@code frontend/themes/gradient-lab}. */
@Theme("gradient-lab")
public class AppShell implements AppShellConfigurator {
}
