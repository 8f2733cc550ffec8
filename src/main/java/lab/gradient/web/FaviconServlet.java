package lab.gradient.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code /favicon.ico}, which every browser asks for on every page (it was a 404 in the log of each): five bars, each
 * shorter than the one before, a gradient fading as it goes back in time.
 */
final class FaviconServlet extends HttpServlet {
    private static final byte[] ICON = load();

    private static byte[] load() {
        try (InputStream in = FaviconServlet.class.getResourceAsStream("/web/favicon.ico")) {
            if (in == null) throw new IllegalStateException("web/favicon.ico is missing from the classpath");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("image/x-icon");
        response.setHeader("Cache-Control", "public, max-age=86400");
        response.setContentLength(ICON.length);
        response.getOutputStream().write(ICON);
    }
}
