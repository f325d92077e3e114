package io.runflowkafka.sink.fetch;

import io.runflowkafka.common.image.ImageType;
import io.runflowkafka.sink.url.CheckedUrl;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Collects the response to one GET: a 200 body up to the size cap, hashed (SHA-256) while it arrives, with an
 * image {@code Content-Type}; or a redirect's {@code Location}. Anything else is aborted as soon as the headers
 * say so, with a classified {@link FetchException}. One per request.
 */
final class BodyCollector implements Response.Listener {

    /** What one GET produced: an image body, or a redirect to follow. */
    record Body(int status, String contentType, byte[] content, String sha256, String redirect) {}

    private final long maxBytes;
    private final MessageDigest digest;
    private final CompletableFuture<Body> result = new CompletableFuture<>();
    /** The body, when {@code Content-Length} gave its size up front: filled in place, never copied again. */
    private byte[] buffer;
    /** The body's pieces, when its size is not known (chunked): joined once at the end, no growing copies. */
    private List<byte[]> chunks;

    private int length;
    private int status;
    private String contentType;
    private String redirect;

    BodyCollector(long maxBytes) {
        this.maxBytes = maxBytes;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public void onHeaders(Response response) {
        status = response.getStatus();
        String url = CheckedUrl.redact(response.getRequest().getURI());
        if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
            redirect = response.getHeaders().get(HttpHeader.LOCATION);
            if (redirect == null) {
                response.abort(new FetchException(
                        FetchException.Kind.INVALID, status, "HTTP " + status + " without Location from " + url, null));
            }
            return;
        }
        if (status != 200) {
            response.abort(statusFailure(url, status));
            return;
        }
        long declaredLength = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        if (declaredLength > maxBytes) {
            response.abort(new FetchException(
                    FetchException.Kind.INVALID,
                    status,
                    url + " is " + declaredLength + " bytes, over the " + maxBytes + "-byte limit",
                    null));
            return;
        }
        contentType = response.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (ImageType.fromContentType(contentType).isEmpty()) {
            response.abort(new FetchException(
                    FetchException.Kind.INVALID,
                    status,
                    url + " has Content-Type " + (contentType == null ? "(none)" : contentType)
                            + ", not image/jpeg, image/png or image/webp",
                    null));
            return;
        }
        if (declaredLength >= 0) {
            buffer = new byte[(int) declaredLength];
        }
    }

    @Override
    public void onContent(Response response, ByteBuffer content) {
        if (redirect != null) {
            return;
        }
        int chunk = content.remaining();
        if ((long) length + chunk > maxBytes) {
            response.abort(new FetchException(
                    FetchException.Kind.INVALID,
                    status,
                    CheckedUrl.redact(response.getRequest().getURI()) + " is over the " + maxBytes + "-byte limit",
                    null));
            return;
        }
        // Each byte is copied once out of the network buffer (often a direct one), then hashed from the heap
        // copy, which MessageDigest reads in place (a direct buffer it would copy again, piece by piece).
        byte[] target;
        int offset;
        if (buffer != null) {
            if (length + chunk > buffer.length) {
                response.abort(new FetchException(
                        FetchException.Kind.INVALID,
                        status,
                        CheckedUrl.redact(response.getRequest().getURI()) + " sent more than its Content-Length",
                        null));
                return;
            }
            target = buffer;
            offset = length;
        } else {
            if (chunks == null) {
                chunks = new ArrayList<>();
            }
            target = new byte[chunk];
            offset = 0;
            chunks.add(target);
        }
        content.get(target, offset, chunk);
        digest.update(target, offset, chunk);
        length += chunk;
    }

    @Override
    public void onComplete(Result outcome) {
        if (outcome.isFailed()) {
            result.completeExceptionally(outcome.getFailure());
            return;
        }
        if (redirect != null) {
            result.complete(new Body(status, null, null, null, redirect));
            return;
        }
        byte[] content = buffer != null ? body(buffer) : join(chunks == null ? List.of() : chunks, length);
        result.complete(new Body(status, contentType, content, HexFormat.of().formatHex(digest.digest()), null));
    }

    /** The presized body; shorter than declared only if the server closed early, which Jetty reports as a failure. */
    private byte[] body(byte[] presized) {
        return length == presized.length ? presized : Arrays.copyOf(presized, length);
    }

    private static byte[] join(List<byte[]> pieces, int length) {
        if (pieces.size() == 1 && pieces.get(0).length == length) {
            return pieces.get(0);
        }
        byte[] joined = new byte[length];
        int offset = 0;
        for (byte[] piece : pieces) {
            System.arraycopy(piece, 0, joined, offset, piece.length);
            offset += piece.length;
        }
        return joined;
    }

    /** Completes with the body or the redirect, or exceptionally with why the request failed. */
    CompletableFuture<Body> result() {
        return result;
    }

    /** The failure an HTTP status other than 200 or a redirect stands for. */
    static FetchException statusFailure(String redactedUrl, int status) {
        FetchException.Kind kind;
        if (status == 403 || status == 404 || status == 410) {
            kind = FetchException.Kind.GONE;
        } else if (status == 408 || status == 425 || status == 429 || status >= 500) {
            kind = FetchException.Kind.TRANSIENT;
        } else {
            kind = FetchException.Kind.INVALID;
        }
        return new FetchException(kind, status, "HTTP " + status + " from " + redactedUrl, null);
    }
}
