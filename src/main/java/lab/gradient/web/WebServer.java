package lab.gradient.web;

import com.vaadin.flow.di.LookupInitializer;
import com.vaadin.flow.router.InternalServerError;
import com.vaadin.flow.server.startup.ErrorNavigationTargetInitializer;
import com.vaadin.flow.server.startup.LookupServletContainerInitializer;
import com.vaadin.flow.server.startup.RouteRegistryInitializer;
import com.vaadin.flow.server.startup.VaadinAppShellInitializer;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.util.EnumSet;
import java.util.function.Consumer;
import lab.gradient.ui.UiRoutes;
import lab.gradient.ui.UiServices;
import lab.gradient.ui.UiServlet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContainerInitializerHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.ServletMapping;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ThreadLimitHandler;

/**
 * One Jetty 12 (ee10) server on one port: Javalin answers {@code /api/*}, Vaadin answers everything else.
 * Javalin owns the server; Vaadin is added to the same servlet context.
 */
public final class WebServer implements AutoCloseable {
    /**
     * What one client address may hold at once, out of Javalin's 250 request threads: a class of 30 behind one router
     * fits (each browser keeps a few connections), a script holding slow uploads does not starve everyone else.
     */
    static final int THREADS_PER_ADDRESS = 64, CONNECTIONS_PER_ADDRESS = 256, MAX_CONNECTIONS = 4_000;
    /** A request body arriving slower than this is cut off with 408: 1 MB still fits in 17 minutes. */
    static final long MIN_UPLOAD_BYTES_PER_SECOND = 1_024;
    static final long IDLE_TIMEOUT_MILLIS = 30_000;
    private final Javalin javalin;

    private WebServer(Javalin javalin) {
        this.javalin = javalin;
    }

    /**
     * Starts the server: {@code apiRoutes} registers the REST routes (all under {@code /api}), {@code uiServices} is
     * what the Vaadin views reach through {@code UiServices} (null: no views need services), {@code publicOrigin} the
     * origin browsers use for it (null: this machine's own addresses).
     */
    public static WebServer start(String host, int port, Consumer<JavalinConfig> apiRoutes, Object uiServices, URI publicOrigin) {
        Javalin javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.modifyServer(server -> {
                server.setErrorHandler(new JsonErrors());
                ThreadLimitHandler perAddress = new ThreadLimitHandler();
                perAddress.setThreadLimit(THREADS_PER_ADDRESS);
                server.insertHandler(perAddress);
                server.addBean(new ConnectionLimit(MAX_CONNECTIONS, server));
            });
            config.jetty.modifyHttpConfiguration(http -> http.setMinRequestDataRate(MIN_UPLOAD_BYTES_PER_SECOND));
            config.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(host);
                connector.setPort(port);
                connector.addBean(new ConnectionsPerAddress(CONNECTIONS_PER_ADDRESS));
                // a connection silent this long is closed (event streams send a heartbeat every 3 s)
                connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
                return connector;
            });
            config.jetty.modifyServletContextHandler(context -> {
                mountVaadinBesideJavalin(context, publicOrigin);
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
    private static void mountVaadinBesideJavalin(ServletContextHandler context, URI publicOrigin) {
        // Vaadin reads resources through the context's class loader; embedded Jetty leaves it null.
        context.setClassLoader(WebServer.class.getClassLoader());
        for (ServletMapping mapping : context.getServletHandler().getServletMappings()) {
            if (java.util.Arrays.asList(mapping.getPathSpecs()).contains("/*")) {
                mapping.setPathSpecs(new String[] {"/api/*"});
            }
        }
        context.setInitParameter("productionMode", "true");
        context.addFilter(new FilterHolder(new SecurityHeaders(publicOrigin)), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServletContainerInitializer(new ServletContainerInitializerHolder(
                LookupServletContainerInitializer.class, LookupInitializer.class));
        context.addServletContainerInitializer(new ServletContainerInitializerHolder(
                RouteRegistryInitializer.class, UiRoutes.ROUTES.toArray(Class<?>[]::new)));
        context.addServletContainerInitializer(new ServletContainerInitializerHolder(
                VaadinAppShellInitializer.class, UiRoutes.APP_SHELL));
        context.addServletContainerInitializer(new ServletContainerInitializerHolder(
                ErrorNavigationTargetInitializer.class, UiRoutes.NOT_FOUND, InternalServerError.class));

        ServletHolder vaadin = new ServletHolder("vaadin", UiServlet.class);
        vaadin.setAsyncSupported(true);
        vaadin.setInitOrder(1);
        context.addServlet(vaadin, "/*");
        // an exact path wins over Vaadin's /*
        context.addServlet(new ServletHolder("favicon", new FaviconServlet()), "/favicon.ico");
    }
}
