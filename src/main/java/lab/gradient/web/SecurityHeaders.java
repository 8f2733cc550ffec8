package lab.gradient.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Set;

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
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Content-Security-Policy", CSP);
        response.setHeader("Referrer-Policy", "same-origin");
        response.setHeader("X-Frame-Options", "SAMEORIGIN");
        if (request.getRequestURI().startsWith("/api/") && !SAFE_METHODS.contains(request.getMethod()) && isCrossSite(request)) {
            response.setStatus(403);
            response.setContentType("application/json");
            response.getWriter().write("{\"error\":\"cross-site requests may not change anything here\"}");
            return;
        }
        chain.doFilter(req, res);
    }

    /** A browser says where a request comes from; a page on another site may read links, not change runs. */
    static boolean isCrossSite(HttpServletRequest request) {
        if ("cross-site".equals(request.getHeader("Sec-Fetch-Site"))) return true;
        String origin = request.getHeader("Origin");
        if (origin == null || origin.equals("null")) return origin != null;
        try {
            URI uri = URI.create(origin);
            String host = request.getHeader("Host");
            String originHost = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return host == null || !host.equalsIgnoreCase(originHost);
        } catch (IllegalArgumentException e) {
            return true;
        }
    }
}
