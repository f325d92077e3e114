package io.runflowkafka.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencySpecTest {

    @Test
    void shouldParseEveryTextFormAndPrintItBack() {
        assertThat(LatencySpec.parse("200").sample(new SplittableRandom(1))).isEqualTo(Duration.ofMillis(200));
        assertThat(LatencySpec.parse("250ms")).hasToString("fixed:250");
        assertThat(LatencySpec.parse("uniform:100-300")).hasToString("uniform:100-300");
        assertThat(LatencySpec.parse("normal:200,50")).hasToString("normal:200,50");
        assertThat(LatencySpec.parse("exponential:200")).hasToString("exponential:200");
        assertThat(LatencySpec.parse("0").isNone()).isTrue();
    }

    @Test
    void shouldDrawUniformLatenciesWithinBoundsAndNeverNegativeNormalOnes() {
        LatencySpec uniform = LatencySpec.parse("uniform:100-300");
        LatencySpec normal = LatencySpec.parse("normal:10,100");
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 1_000; i++) {
            assertThat(uniform.sample(random).toMillis()).isBetween(100L, 300L);
            assertThat(normal.sample(random)).isGreaterThanOrEqualTo(Duration.ZERO);
        }
    }

    @Test
    void shouldRejectMalformedSpecs() {
        assertThatThrownBy(() -> LatencySpec.parse("gaussian:1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencySpec.parse("uniform:300-100")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencySpec.parse("fast")).isInstanceOf(IllegalArgumentException.class);
    }
}
