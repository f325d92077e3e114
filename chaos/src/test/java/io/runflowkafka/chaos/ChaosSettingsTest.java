package io.runflowkafka.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code bench/chaos.sh}'s options: the defaults each run starts from, and what an option overrides. */
class ChaosSettingsTest {

    @Test
    void shouldRunTheShortRunWithItsFixedSeedUnlessOneIsGiven() {
        assertThat(ChaosSettings.parse(new String[] {"--short", "--dir", "d"}))
                .isEqualTo(ChaosSettings.shortRun(Path.of("d")));
        assertThat(ChaosSettings.parse(new String[] {"--seed", "5", "--short"}).seed())
                .isEqualTo(5L);
    }

    @Test
    void shouldRunTheLongRunWithTheGivenSeedAndOverrides() {
        ChaosSettings s = ChaosSettings.parse(
                new String[] {"--seed", "42", "--uploads", "10", "--orders", "2", "--settle", "90", "--min-kills", "1"
                });
        ChaosSettings defaults = ChaosSettings.longRun(Path.of("target", "chaos"), 42L);
        assertThat(s.seed()).isEqualTo(42L);
        assertThat(s.uploads()).isEqualTo(10);
        assertThat(s.orders()).isEqualTo(2);
        assertThat(s.settle()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.minKills()).isEqualTo(1);
        assertThat(s.duration()).isEqualTo(defaults.duration());
        assertThat(s.feedPeriod()).isEqualTo(defaults.feedPeriod());
        assertThat(s.dir()).isEqualTo(defaults.dir());
    }

    @Test
    void shouldFeedOverFourFifthsOfAGivenDuration() {
        ChaosSettings s = ChaosSettings.parse(new String[] {"--short", "--duration", "10m"});
        assertThat(s.duration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.feedPeriod()).isEqualTo(Duration.ofMinutes(8));
        assertThat(s.seed()).isEqualTo(13L);
    }

    @Test
    void shouldReadDurationsInSecondsMinutesHoursOrIso() {
        assertThat(ChaosSettings.duration("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ChaosSettings.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ChaosSettings.duration("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(ChaosSettings.duration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(ChaosSettings.duration("PT15M")).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void shouldRejectAnUnknownOptionAndAMissingValue() {
        assertThatThrownBy(() -> ChaosSettings.parse(new String[] {"--speed", "1"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChaosSettings.parse(new String[] {"--seed"}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
