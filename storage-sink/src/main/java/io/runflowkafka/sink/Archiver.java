package io.runflowkafka.sink;

import io.runflowkafka.schema.HeadshotsCompleted;
import io.runflowkafka.sink.archive.Manifest;

/** Archives one completion event and says what came of it; {@link EventArchiver} in the service. */
@FunctionalInterface
interface Archiver {

    /**
     * Archives {@code event}, read from {@code source}.
     *
     * @throws InterruptedException when interrupted before an outcome was decided
     */
    Outcome archive(HeadshotsCompleted event, Manifest.Source source) throws InterruptedException;
}
