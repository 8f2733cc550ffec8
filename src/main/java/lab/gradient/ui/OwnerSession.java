package lab.gradient.ui;

import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinService;
import com.vaadin.flow.server.VaadinServletResponse;
import com.vaadin.flow.server.VaadinSession;
import jakarta.servlet.http.Cookie;
import java.util.Arrays;
import java.util.Optional;
import lab.gradient.runs.OwnerTokens;

/**
 * The browser's owner identity: the same kind of token the API issues, kept in an HttpOnly, SameSite=Lax cookie so
 * that no script can read it. Only its hash (the owner id) is used on the server.
 */
final class OwnerSession {
    static final String COOKIE = "gl_owner";
    private static final String ATTRIBUTE = "gradient-lab.owner";

    private OwnerSession() {}

    /** The owner id of this browser, if it has ever submitted. */
    static Optional<String> owner() {
        VaadinSession session = VaadinSession.getCurrent();
        Object cached = session == null ? null : session.getAttribute(ATTRIBUTE);
        if (cached != null) return Optional.of((String) cached);
        VaadinRequest request = VaadinService.getCurrentRequest();
        if (request == null || request.getCookies() == null) return Optional.empty();
        Optional<String> owner = Arrays.stream(request.getCookies()).filter(c -> COOKIE.equals(c.getName()))
                .map(Cookie::getValue).filter(v -> !v.isBlank()).findFirst().map(OwnerTokens::ownerOf);
        owner.ifPresent(o -> session.setAttribute(ATTRIBUTE, o));
        return owner;
    }

    /** The owner id, creating the token and its cookie on the first submission. */
    static String ownerOrCreate() {
        Optional<String> existing = owner();
        if (existing.isPresent()) return existing.get();
        String token = OwnerTokens.newToken();
        Cookie cookie = new Cookie(COOKIE, token);
        cookie.setHttpOnly(true);
        cookie.setPath("/");
        cookie.setMaxAge(365 * 24 * 3600);
        cookie.setAttribute("SameSite", "Lax");
        ((VaadinServletResponse) VaadinService.getCurrentResponse()).addCookie(cookie);
        String owner = OwnerTokens.ownerOf(token);
        VaadinSession.getCurrent().setAttribute(ATTRIBUTE, owner);
        return owner;
    }

    static boolean owns(String owner) {
        return owner().map(o -> OwnerTokens.sameOwner(o, owner)).orElse(false);
    }
}
