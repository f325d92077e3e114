package io.runflowkafka.console;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Who may use the console. With a token, every request must carry it: {@code Authorization: Bearer}, or the
 * {@value #COOKIE} cookie that {@code /?token=...} sets once (HttpOnly, SameSite=Strict) before redirecting to a URL
 * without it. Without a token (loopback only), the {@code Host} header must name loopback, which stops a web page from
 * reaching the console through DNS rebinding. Every POST must carry {@value #REQUEST_HEADER}, which a cross-site form
 * cannot send and a cross-site script cannot without a CORS preflight the console never grants.
 */
final class AccessGuard {

    static final String COOKIE = "runflow_console";
    static final String REQUEST_HEADER = "X-Runflow-Console";
    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]");

    private final Optional<byte[]> token;

    AccessGuard(Optional<String> token) {
        this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    /** Lets the request through, or answers it (401, 403, a redirect) and stops it. */
    void check(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
        ctx.header(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self';"
                        + " frame-ancestors 'none'; form-action 'none'; base-uri 'none'");
        if (token.isPresent()) {
            String query = ctx.queryParam("token");
            if (query != null && matches(query)) {
                // Base64url keeps any token character out of the cookie's syntax.
                ctx.header("Set-Cookie", COOKIE + "=" + cookieValue(query) + "; Path=/; HttpOnly; SameSite=Strict");
                ctx.redirect(ctx.path(), HttpStatus.SEE_OTHER);
                ctx.skipRemainingHandlers();
                return;
            }
            String bearer = ctx.header("Authorization");
            boolean ok = (bearer != null && bearer.startsWith("Bearer ") && matches(bearer.substring(7)))
                    || (ctx.cookie(COOKIE) != null && matches(fromCookie(ctx.cookie(COOKIE))));
            if (!ok) {
                deny(ctx, HttpStatus.UNAUTHORIZED, "a token is required: open the console's URL with ?token=...");
                return;
            }
        } else if (!LOOPBACK_HOSTS.contains(hostName(ctx.header("Host")))) {
            deny(ctx, HttpStatus.FORBIDDEN, "this console answers only to a loopback Host");
            return;
        }
        if (HandlerType.POST.equals(ctx.method()) && !"1".equals(ctx.header(REQUEST_HEADER))) {
            deny(ctx, HttpStatus.FORBIDDEN, "a POST needs the " + REQUEST_HEADER + " header");
        }
    }

    /** The cookie that carries {@code token}. */
    static String cookieValue(String token) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token.getBytes(StandardCharsets.UTF_8));
    }

    private static String fromCookie(String value) {
        try {
            return new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private boolean matches(String candidate) {
        return MessageDigest.isEqual(token.orElseThrow(), candidate.getBytes(StandardCharsets.UTF_8));
    }

    /** The host part of a Host header, lower case, without the port. */
    static String hostName(String host) {
        if (host == null) {
            return "";
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static void deny(Context ctx, HttpStatus status, String reason) {
        ctx.status(status).contentType("text/plain; charset=utf-8").result(reason);
        ctx.skipRemainingHandlers();
    }
}
