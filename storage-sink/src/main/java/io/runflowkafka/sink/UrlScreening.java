package io.runflowkafka.sink;

import io.runflowkafka.sink.url.CheckedUrl;
import io.runflowkafka.sink.url.UrlPolicy;
import io.runflowkafka.sink.url.UrlRefusedException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Applies the URL policy to a whole event before any of its images is fetched: every URL is checked, and every
 * host resolved once, so a refused URL or a private or metadata address dead-letters the event with nothing
 * fetched. A name that does not resolve is transient.
 */
final class UrlScreening {

    private final UrlPolicy policy;

    UrlScreening(UrlPolicy policy) {
        this.policy = policy;
    }

    /**
     * The checked URLs of job {@code id}, or why the event stops here.
     *
     * @param urls the checked URLs, in the event's order; empty when {@code stop} is set
     * @param stop the dead letter or retry of an event whose URLs cannot all be fetched; null when they can
     */
    record Screened(List<CheckedUrl> urls, Outcome stop) {}

    /** Checks the image URLs {@code urls} of job {@code id}. */
    Screened screen(String id, List<String> urls) {
        List<CheckedUrl> checked = new ArrayList<>(urls.size());
        for (int i = 0; i < urls.size(); i++) {
            try {
                checked.add(policy.check(urls.get(i)));
            } catch (UrlRefusedException e) {
                return stop(new Outcome.DeadLetter(
                        Stage.URL_POLICY, "job " + id + " image " + (i + 1) + " refused: " + e.getMessage()));
            }
        }
        Set<String> hosts = checked.stream().map(CheckedUrl::host).collect(Collectors.toCollection(LinkedHashSet::new));
        for (String host : hosts) {
            try {
                // Resolving up front refuses a private or metadata address before any image is fetched.
                policy.resolve(host);
            } catch (UrlRefusedException e) {
                return stop(new Outcome.DeadLetter(Stage.URL_POLICY, "job " + id + " refused: " + e.getMessage()));
            } catch (UnknownHostException e) {
                return stop(new Outcome.Retry(Stage.DOWNLOAD, "cannot resolve " + host));
            }
        }
        return new Screened(checked, null);
    }

    private static Screened stop(Outcome outcome) {
        return new Screened(List.of(), outcome);
    }
}
