package io.runflowkafka.callbacks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The per-job token that makes a Runflow callback URL unguessable, shared by the processor (which
 * builds callback URLs) and the webhook bridge (which checks them): token = base64url, unpadded, of
 * HMAC-SHA256(secret, job reference in UTF-8). Signs with the first (current) secret and verifies
 * against every configured one, so secrets can be rotated without losing in-flight jobs.
 *
 * <p>URLs have the form {@code {base}/webhooks/runflow/{kind}/{job_ref}/{token}}, the job reference
 * percent-encoded as one path segment; verify against the decoded reference. Secrets never appear in
 * {@link #toString()}, logs or exception messages.
 *
 * <p>A URL may also carry the job's W3C trace context, signed with it: {@code ?traceparent={tp}&trace_token={t}},
 * t = base64url(HMAC-SHA256(secret, "traceparent\n" + job_ref + "\n" + tp)). The path token is unchanged (a URL
 * without the query verifies as before); the trace token ties the trace to this job, so that a trace id is taken only
 * from a URL this processor signed, never from whoever calls the bridge.
 */
public final class CallbackTokens {

    /** Callback kinds the bridge serves. */
    public static final Set<String> KINDS = Set.of("headshots", "runs");

    /** Shortest secret accepted, in bytes: HMAC-SHA256 wants at least 128 bits of key. */
    public static final int MIN_SECRET_BYTES = 16;

    private static final String ALGORITHM = "HmacSHA256";
    /** Base64url of a 32-byte MAC without padding. */
    private static final int TOKEN_LENGTH = 43;

    private final List<SecretKeySpec> keys;

    private CallbackTokens(List<SecretKeySpec> keys) {
        this.keys = keys;
    }

    /**
     * Creates the scheme from secrets, current first.
     *
     * @param secrets the current secret followed by older ones still accepted; each UTF-8 encoded, at
     *     least {@value #MIN_SECRET_BYTES} bytes
     * @return the scheme
     */
    public static CallbackTokens of(List<String> secrets) {
        Objects.requireNonNull(secrets, "secrets");
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one callback secret is required");
        }
        List<SecretKeySpec> keys = new ArrayList<>(secrets.size());
        for (int i = 0; i < secrets.size(); i++) {
            String secret = secrets.get(i);
            byte[] bytes = secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < MIN_SECRET_BYTES) {
                // Say which one without saying what it is.
                throw new IllegalArgumentException(
                        "callback secret #" + (i + 1) + " is shorter than " + MIN_SECRET_BYTES + " bytes");
            }
            keys.add(new SecretKeySpec(bytes, ALGORITHM));
        }
        return new CallbackTokens(List.copyOf(keys));
    }

    /**
     * Creates the scheme from the current secret and older ones still accepted.
     *
     * @param current the secret new tokens are signed with
     * @param previous older secrets whose tokens still verify
     * @return the scheme
     */
    public static CallbackTokens of(String current, String... previous) {
        List<String> all = new ArrayList<>();
        all.add(current);
        all.addAll(List.of(previous));
        return of(all);
    }

    /**
     * Signs a job reference with the current secret.
     *
     * @param jobRef the job's reference, non-empty
     * @return the token, 43 characters of base64url
     */
    public String sign(String jobRef) {
        return token(keys.get(0), requireJobRef(jobRef));
    }

    /**
     * Checks a token against every configured secret in constant time.
     *
     * @param jobRef the job reference from the URL (decoded)
     * @param token the token from the URL
     * @return true when some configured secret produced this token for this reference
     */
    public boolean verify(String jobRef, String token) {
        if (jobRef == null || jobRef.isEmpty() || token == null || token.length() != TOKEN_LENGTH) {
            return false;
        }
        byte[] presented = token.getBytes(StandardCharsets.US_ASCII);
        boolean matched = false;
        for (SecretKeySpec key : keys) {
            // No early exit: every secret is tried, so timing does not reveal which one matched.
            matched |= MessageDigest.isEqual(token(key, jobRef).getBytes(StandardCharsets.US_ASCII), presented);
        }
        return matched;
    }

    /**
     * Builds the callback URL for a job: {@code {base}/webhooks/runflow/{kind}/{job_ref}/{token}}.
     *
     * @param publicBaseUrl where Runflow reaches the bridge, e.g. {@code https://hooks.example.com}
     * @param kind {@code headshots} or {@code runs}
     * @param jobRef the job reference, percent-encoded into the path
     * @return the URL to send as {@code callback_url}
     */
    public String callbackUrl(String publicBaseUrl, String kind, String jobRef) {
        Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("kind must be one of " + KINDS + " but was " + kind);
        }
        String base =
                publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
        if (!(base.startsWith("https://") || base.startsWith("http://"))) {
            throw new IllegalArgumentException("publicBaseUrl must be an http(s) URL");
        }
        return base + "/webhooks/runflow/" + kind + "/" + UriEncoding.pathSegment(requireJobRef(jobRef)) + "/"
                + sign(jobRef);
    }

    /**
     * Builds the callback URL for a job, with its trace context signed into the query (see the class comment).
     *
     * @param traceparent the job's W3C {@code traceparent}; null, or not of the W3C form: the URL carries no trace
     * @return the URL to send as {@code callback_url}
     */
    public String callbackUrl(String publicBaseUrl, String kind, String jobRef, String traceparent) {
        String url = callbackUrl(publicBaseUrl, kind, jobRef);
        if (!isTraceparent(traceparent)) {
            return url;
        }
        return url + "?traceparent=" + traceparent + "&trace_token=" + traceToken(keys.get(0), jobRef, traceparent);
    }

    /**
     * Checks the trace token of a callback URL against every configured secret in constant time.
     *
     * @param jobRef the job reference from the URL (decoded), whose path token was verified
     * @param traceparent the {@code traceparent} query parameter
     * @param token the {@code trace_token} query parameter
     * @return true when some configured secret signed this trace context for this job
     */
    public boolean verifyTrace(String jobRef, String traceparent, String token) {
        if (jobRef == null
                || jobRef.isEmpty()
                || !isTraceparent(traceparent)
                || token == null
                || token.length() != TOKEN_LENGTH) {
            return false;
        }
        byte[] presented = token.getBytes(StandardCharsets.US_ASCII);
        boolean matched = false;
        for (SecretKeySpec key : keys) {
            matched |= MessageDigest.isEqual(
                    traceToken(key, jobRef, traceparent).getBytes(StandardCharsets.US_ASCII), presented);
        }
        return matched;
    }

    /** Whether {@code value} has the W3C form {@code 00-<32 hex>-<16 hex>-<2 hex>} (lower case), safe in a query. */
    static boolean isTraceparent(String value) {
        if (value == null || value.length() != 55) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean dash = i == 2 || i == 35 || i == 52;
            if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** How many secrets are accepted for verification. */
    public int secretCount() {
        return keys.size();
    }

    @Override
    public String toString() {
        return "CallbackTokens[secrets=" + keys.size() + "]";
    }

    private static String requireJobRef(String jobRef) {
        Objects.requireNonNull(jobRef, "jobRef");
        if (jobRef.isEmpty() || jobRef.equals(".") || jobRef.equals("..")) {
            // "." and ".." would be collapsed by URL normalisation on the way to the bridge.
            throw new IllegalArgumentException("jobRef must not be empty, \".\" or \"..\"");
        }
        return jobRef;
    }

    private static String traceToken(SecretKeySpec key, String jobRef, String traceparent) {
        // A prefix no job reference's token is made with, so that neither token can stand for the other.
        return token(key, "traceparent\n" + jobRef + "\n" + traceparent);
    }

    private static String token(SecretKeySpec key, String jobRef) {
        try {
            // Mac instances are not thread-safe; creating one per call is cheap next to an HTTP call.
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] digest = mac.doFinal(jobRef.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
