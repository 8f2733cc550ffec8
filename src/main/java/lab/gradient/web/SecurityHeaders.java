package lab.gradient.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lab.gradient.model.Json;

/**
 * Headers every response carries (the API's and the UI's), and the refusal of cross-site state-changing API calls.
 * The Content-Security-Policy allows exactly what the Vaadin app needs: its own scripts (the inline bootstrap, and
 * eval, which Flow uses to run the JavaScript a view sends), inline styles, and its own server for XHR and push.
 * Scripts from anywhere else, plugins and framing by other sites are refused.
 */
final class SecurityHeaders implements Filter {
    static final String CSP = "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; "
            + "base-uri 'self'; frame-ancestors 'self'; form-action 'self'";
    /** What every response carries, Jetty's own error answers included ({@link JsonErrors}). */
    static final Map<String, String> HEADERS = Map.of("X-Content-Type-Options", "nosniff", "Content-Security-Policy", CSP,
            "Referrer-Policy", "same-origin", "X-Frame-Options", "SAMEORIGIN");
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    /** Headers some frameworks route by instead of the method on the wire: a GET must never become a DELETE. */
    private static final List<String> METHOD_OVERRIDES = List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

    /** The origin browsers show for this server (scheme, host, port), or null: this machine's own addresses. */
    private final URI publicOrigin;

    SecurityHeaders(URI publicOrigin) {
        this.publicOrigin = publicOrigin;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        HEADERS.forEach(response::setHeader);
        if (overridesMethod(request)) {
            refuse(response, 400, "the HTTP method may not be overridden by a header or parameter: send the real method");
            return;
        }
        if (request.getRequestURI().startsWith("/api/") && !SAFE_METHODS.contains(request.getMethod()) && isCrossSite(request)) {
            refuse(response, 403, "cross-site requests may not change anything here");
            return;
        }
        chain.doFilter(req, res);
    }

    private static void refuse(HttpServletResponse response, int status, String error) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getWriter().write(Json.write(Map.of("error", error)));
    }

    static boolean overridesMethod(HttpServletRequest request) {
        for (String header : METHOD_OVERRIDES) if (request.getHeader(header) != null) return true;
        String query = request.getQueryString();
        return query != null && (query.startsWith("_method=") || query.contains("&_method="));
    }

    /**
     * A browser says where a request comes from; a page on another site may read links, not change runs. The origin
     * is compared with the configured public origin, never with the request's own Host header (which a page reached by
     * DNS rebinding controls). Without one configured, only this machine's own addresses on this port count as "here".
     */
    boolean isCrossSite(HttpServletRequest request) {
        if ("cross-site".equals(request.getHeader("Sec-Fetch-Site"))) return true;
        String origin = request.getHeader("Origin");
        if (origin == null) return false; // not a browser's cross-origin request: no ambient credentials to abuse
        try {
            URI uri = new URI(origin);
            if (uri.getScheme() == null || uri.getHost() == null) return true;
            if (publicOrigin != null) {
                return !(uri.getScheme().equalsIgnoreCase(publicOrigin.getScheme()) && uri.getHost().equalsIgnoreCase(publicOrigin.getHost())
                        && port(uri) == port(publicOrigin));
            }
            return !(uri.getScheme().equalsIgnoreCase(request.getScheme()) && port(uri) == request.getLocalPort() && isThisMachine(uri.getHost()));
        } catch (URISyntaxException e) {
            return true;
        }
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** "localhost" or an address literal of one of this machine's interfaces; a name is never looked up. */
    static boolean isThisMachine(String host) {
        if (host.equalsIgnoreCase("localhost")) return true;
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) return false;
        try {
            InetAddress address = InetAddress.getByName(literal);
            return address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null;
        } catch (IOException e) {
            return false;
        }
    }
}
