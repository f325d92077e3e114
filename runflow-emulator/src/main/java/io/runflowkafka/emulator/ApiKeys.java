package io.runflowkafka.emulator;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The keys the emulator accepts: full keys may call everything, read-only keys only GET endpoints
 * (a POST answers 403). Keys are compared in constant time and never logged.
 */
final class ApiKeys {

    /** How a request presents its key. */
    enum Scheme {
        /** Solutions API: {@code x-api-key: KEY}. */
        API_KEY,
        /** Model API: {@code Authorization: Bearer KEY}. */
        BEARER
    }

    private enum Access {
        NONE,
        READ_ONLY,
        FULL
    }

    private final List<byte[]> fullKeys;
    private final List<byte[]> readOnlyKeys;

    ApiKeys(Set<String> fullKeys, Set<String> readOnlyKeys) {
        this.fullKeys =
                fullKeys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
        this.readOnlyKeys = readOnlyKeys.stream()
                .map(k -> k.getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    /** Throws {@link ApiError} 401 or 403 unless the request may proceed. */
    void require(Context ctx, Scheme scheme, boolean write) {
        String presented = presented(ctx, scheme);
        Access access = presented == null ? Access.NONE : access(presented.getBytes(StandardCharsets.UTF_8));
        if (access == Access.NONE) {
            throw scheme == Scheme.API_KEY
                    ? new ApiError(401, "missing or invalid API key: send a valid key in the x-api-key header")
                    : new ApiError(
                            401,
                            "missing or invalid API key: send Authorization: Bearer <key>",
                            Map.of("WWW-Authenticate", "Bearer"));
        }
        if (write && access == Access.READ_ONLY) {
            throw new ApiError(
                    403,
                    "this API key is read-only and cannot call " + ctx.method() + " "
                            + ctx.endpoints().matchedHttpEndpoint().path);
        }
    }

    private static String presented(Context ctx, Scheme scheme) {
        if (scheme == Scheme.API_KEY) {
            return ctx.header("x-api-key");
        }
        String authorization = ctx.header("Authorization");
        if (authorization == null
                || authorization.length() < 8
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }

    private Access access(byte[] presented) {
        boolean full = false;
        boolean readOnly = false;
        // Every key is compared (no early exit) so timing does not tell which one matched.
        for (byte[] key : fullKeys) {
            full |= MessageDigest.isEqual(key, presented);
        }
        for (byte[] key : readOnlyKeys) {
            readOnly |= MessageDigest.isEqual(key, presented);
        }
        return full ? Access.FULL : readOnly ? Access.READ_ONLY : Access.NONE;
    }
}
