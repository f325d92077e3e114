package io.runflowkafka.sink.fetch;

import io.runflowkafka.sink.url.CheckedUrl;

/** Downloads a checked image URL; {@link ImageFetcher} over HTTPS in the service, a table in unit tests. */
@FunctionalInterface
public interface ImageSource {

    /**
     * Downloads and verifies the image at {@code url}.
     *
     * @throws FetchException classified as transient, gone, refused or invalid
     */
    FetchedImage fetch(CheckedUrl url) throws FetchException, InterruptedException;
}
