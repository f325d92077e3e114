package io.runflowkafka.sink.url;

/**
 * An image URL, or the address its host resolves to, that the URL policy refuses: the URL is never
 * fetched and its event is dead-lettered with {@link #getMessage()} as the reason.
 */
public final class UrlRefusedException extends Exception {

    /** Creates the refusal; {@code reason} names the rule and must never contain a secret. */
    public UrlRefusedException(String reason) {
        super(reason);
    }
}
