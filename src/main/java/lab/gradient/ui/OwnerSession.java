package lab.gradient.ui;

import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinService;
import com.vaadin.flow.server.VaadinServletResponse;
import com.vaadin.flow.server.VaadinSession;
import jakarta.servlet.http.Cookie;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import lab.gradient.runs.OwnerTokens;

/**
 * The browser's identities, kept in HttpOnly, SameSite=Lax cookies that no script can read: its own owner token (the
 * same kind the API issues), and the teacher tokens of labs whose teacher link it opened. Only their hashes (owner
 * ids) are used on the server; the teacher tokens are kept so the dashboard can show the teacher their own link.
 */
final class OwnerSession {
    static final String COOKIE = "gl_owner";
    static final String TEACHER_COOKIE = "gl_teacher";
    /** A browser keeps the teacher links of this many labs; the oldest is forgotten first. */
    private static final int MAX_TEACHER_TOKENS = 20;
    private static final String OWNER = "gradient-lab.owner";
    private static final String TEACHER_TOKENS = "gradient-lab.teacher-tokens";

    private OwnerSession() {}

    /** The owner id of this browser, if it has ever submitted or joined a lab. */
    static Optional<String> owner() {
        VaadinSession session = VaadinSession.getCurrent();
        Object cached = session == null ? null : session.getAttribute(OWNER);
        if (cached != null) return Optional.of((String) cached);
        // a cookie this server did not issue is no identity: nobody picks their own (or a victim's) owner id
        Optional<String> owner = cookie(COOKIE).filter(v -> !v.isBlank() && UiServices.tokens().isIssued(v)).map(OwnerTokens::ownerOf);
        owner.ifPresent(o -> session.setAttribute(OWNER, o));
        return owner;
    }

    private static Optional<String> cookie(String name) {
        VaadinRequest request = VaadinService.getCurrentRequest();
        if (request == null || request.getCookies() == null) return Optional.empty();
        return Arrays.stream(request.getCookies()).filter(c -> name.equals(c.getName())).map(Cookie::getValue).findFirst();
    }

    /** The owner id, creating the token and its cookie on the first submission. */
    static String ownerOrCreate() {
        Optional<String> existing = owner();
        if (existing.isPresent()) return existing.get();
        String token = UiServices.tokens().issue(clientAddress());
        setCookie(COOKIE, token);
        String owner = OwnerTokens.ownerOf(token);
        VaadinSession.getCurrent().setAttribute(OWNER, owner);
        return owner;
    }

    /**
     * The identity this browser acts with in the lab with join code {@code lab} (null: none): the teacher's if it opened
     * the teacher link, a student's if it joined; otherwise its own, created if need be (the lab then refuses it).
     */
    static String ownerIn(String lab) {
        return lab == null ? ownerOrCreate() : UiServices.labs().actingOwner(lab, identities()).orElseGet(OwnerSession::ownerOrCreate);
    }

    /** The address this browser's requests come from: tokens are counted per address (see IssuedTokens). */
    static String clientAddress() {
        VaadinRequest request = VaadinService.getCurrentRequest();
        return request == null ? null : request.getRemoteAddr();
    }

    private static void setCookie(String name, String value) {
        Cookie cookie = new Cookie(name, value);
        cookie.setHttpOnly(true);
        cookie.setPath("/");
        cookie.setMaxAge(365 * 24 * 3600);
        cookie.setAttribute("SameSite", "Lax");
        ((VaadinServletResponse) VaadinService.getCurrentResponse()).addCookie(cookie);
    }

    /** Teacher tokens this browser holds, newest last. */
    @SuppressWarnings("unchecked")
    static List<String> teacherTokens() {
        VaadinSession session = VaadinSession.getCurrent();
        Object cached = session == null ? null : session.getAttribute(TEACHER_TOKENS);
        if (cached != null) return (List<String>) cached;
        // base64url tokens never contain '.', so it separates them
        List<String> tokens = cookie(TEACHER_COOKIE).map(v -> Arrays.stream(v.split("\\."))
                .filter(t -> !t.isBlank() && UiServices.tokens().isIssued(t)).toList()).orElse(List.of());
        if (session != null) session.setAttribute(TEACHER_TOKENS, tokens);
        return tokens;
    }

    /** Remembers a lab's teacher token in this browser (from the teacher link, or on creating a lab here). */
    static void addTeacherToken(String token) {
        Set<String> tokens = new LinkedHashSet<>(teacherTokens());
        tokens.remove(token);
        tokens.add(token);
        List<String> kept = new ArrayList<>(tokens);
        if (kept.size() > MAX_TEACHER_TOKENS) kept = kept.subList(kept.size() - MAX_TEACHER_TOKENS, kept.size());
        setCookie(TEACHER_COOKIE, String.join(".", kept));
        VaadinSession.getCurrent().setAttribute(TEACHER_TOKENS, List.copyOf(kept));
    }

    /** Every owner id this browser may act as: its own, and each lab it teaches. */
    static List<String> identities() {
        List<String> ids = new ArrayList<>();
        owner().ifPresent(ids::add);
        teacherTokens().forEach(t -> ids.add(OwnerTokens.ownerOf(t)));
        return ids;
    }

    /** The teacher token this browser holds whose hash is {@code teacher}, if any. */
    static Optional<String> teacherTokenFor(String teacher) {
        return teacherTokens().stream().filter(t -> OwnerTokens.sameOwner(OwnerTokens.ownerOf(t), teacher)).findFirst();
    }
}
