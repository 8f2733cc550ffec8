package lab.gradient.web;

import com.vaadin.flow.di.LookupInitializer;
import com.vaadin.flow.router.InternalServerError;
import com.vaadin.flow.router.RouteNotFoundError;
import com.vaadin.flow.server.VaadinServlet;
import com.vaadin.flow.server.startup.ErrorNavigationTargetInitializer;
import com.vaadin.flow.server.startup.LookupServletContainerInitializer;
import com.vaadin.flow.server.startup.RouteRegistryInitializer;
import com.vaadin.flow.server.startup.VaadinAppShellInitializer;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.util.function.Consumer;
import lab.gradient.ui.UiRoutes;
import lab.gradient.ui.UiServices;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContainerInitializerHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.ServletMapping;

/**
 * One Jetty 12 (ee10) server on one port: Javalin answers {@code /api/*}, Vaadin answers everything else.
 * Javalin owns the server; Vaadin is added to the same servlet context.
 */
public final class WebServer implements AutoCloseable {
    private final Javalin javalin;

    private WebServer(Javalin javalin) {
        this.javalin = javalin;
    }

    /** Starts the server; {@code apiRoutes} registers the REST routes (all under {@code /api}). */
    public static WebServer start(String host, int port, Consumer<JavalinConfig> apiRoutes) {
        return start(host, port, apiRoutes, null);
    }

    /** As above; {@code uiServices} is what the Vaadin views reach through {@code UiServices}. */
    public static WebServer start(String host, int port, Consumer<JavalinConfig> apiRoutes, Object uiServices) {
        Javalin javalin = Javalin.create(config -> {
            config.jetty.host = host;
            config.jetty.port = port;
            config.startup.showJavalinBanner = false;
            config.jetty.modifyServletContextHandler(context -> {
                mountVaadinBesideJavalin(context);
                if (uiServices != null) context.setAttribute(UiServices.ATTRIBUTE, uiServices);
            });
            apiRoutes.accept(config);
        });
        javalin.start();
        return new WebServer(javalin);
    }

    public int port() {
        return javalin.port();
    }

    /** Every HTTP route Javalin serves, as "METHOD /path": what the OpenAPI document must describe. */
    public java.util.List<String> routes() {
        return javalin.unsafe.internalRouter.allHttpHandlers().stream()
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path).toList();
    }

    @Override
    public void close() {
        javalin.stop();
    }

    /**
     * Javalin registers its servlet at {@code /*}; narrow it to {@code /api/*} and put Vaadin at {@code /*}.
     * Vaadin's initializers are registered by hand because this embedded Jetty does no classpath scanning.
     */
    private static void mountVaadinBesideJavalin(ServletContextHandler context) {
        // Vaadin reads resources through the context's class loader; embedded Jetty leaves it null.
        context.setClassLoader(WebServer.class.getClassLoader());
        for (ServletMapping mapping : context.getServletHandler().getServletMappings()) {
            if (java.util.Arrays.asList(mapping.getPathSpecs()).contains("/*")) {
                mapping.setPathSpecs(new String[] {"/api/*"});
            }
        }
        context.setInitParameter("productionMode", "true");
        context.addFilter(new FilterHolder(new SecurityHeaders()), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServletContainerInitializer(new ServletContainerInitializerHolder(
                LookupServletContainerInitializer.class, LookupInitializer.class));
        context.addServletContainerInitializer(new ServletContainerInitializerHolder(
                RouteRegistryInitializer.class, UiRoutes.ROUTES.toArray(Class<?>[]::new)));
        context.addServletContainerInitializer(new ServletContainerInitializerHolder(
                VaadinAppShellInitializer.class, UiRoutes.APP_SHELL));
        context.addServletContainerInitializer(new ServletContainerInitializerHolder(
                ErrorNavigationTargetInitializer.class, RouteNotFoundError.class, InternalServerError.class));

        ServletHolder vaadin = new ServletHolder("vaadin", VaadinServlet.class);
        vaadin.setAsyncSupported(true);
        vaadin.setInitOrder(1);
        context.addServlet(vaadin, "/*");
    }
}
