package io.runflowkafka.processor;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * Kafka Streams' own log-and-continue handler, whose dead-letter records (built when
 * {@code errors.dead.letter.queue.topic.name} is set) also get the project's stage and attempts headers.
 * Only bad bytes are dead-lettered: a registry that is down or refuses our credentials fails the stream
 * thread instead (the application retries it), so an outage never empties the topic into the DLQ.
 */
public final class DeserializationDeadLetterHandler extends LogAndContinueExceptionHandler {

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        if (!(exception instanceof SerializationException)) {
            return Response.fail();
        }
        Response response = super.handleError(context, record, exception);
        response.deadLetterQueueRecords().forEach(dead -> {
            dead.headers().add(DeadLetters.STAGE, "deserialize".getBytes(StandardCharsets.UTF_8));
            dead.headers().add(DeadLetters.ATTEMPTS, "0".getBytes(StandardCharsets.UTF_8));
        });
        return response;
    }
}
