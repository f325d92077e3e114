package io.runflowkafka.processor.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class CallIdTest {

    @Test
    void shouldSortCallIdsInOffsetOrder() {
        List<Long> offsets = LongStream.concat(
                        LongStream.rangeClosed(0, 1_100),
                        LongStream.of(99_999, 100_000, 1L << 40, Long.MAX_VALUE - 1, Long.MAX_VALUE))
                .boxed()
                .toList();

        List<String> ids = offsets.stream().map(AsyncCallEngine::callId).toList();

        assertThat(ids).isSortedAccordingTo(Comparator.naturalOrder()).allMatch(id -> id.length() == 19);
        assertThat(ids.get(42)).isEqualTo(String.format("%019d", 42));
        assertThat(AsyncCallEngine.callId(Long.MAX_VALUE)).isEqualTo(Long.toString(Long.MAX_VALUE));
    }
}
