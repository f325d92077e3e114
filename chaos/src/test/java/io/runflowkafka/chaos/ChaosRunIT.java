package io.runflowkafka.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The short chaos run (fixed seed, one fault of each kind at least): three brokers and seven service JVMs
 * under kills, a pause, a broker failover, a scale-out, Runflow and registry outages and doubled callbacks;
 * nothing may be lost, duplicated, reordered or archived twice.
 */
class ChaosRunIT {

    @Test
    void shouldCountEveryRecordExactlyOnceUnderEveryKindOfFault() throws Exception {
        ChaosSettings settings = ChaosSettings.shortRun(Path.of("target", "chaos-it"));
        ChaosResult result;
        try (ChaosRun run = new ChaosRun(settings, System.out)) {
            result = run.run();
        }
        assertThat(result.kills()).as(result.line()).isGreaterThanOrEqualTo(3);
        assertThat(result.pauses()).as(result.line()).isGreaterThanOrEqualTo(1);
        assertThat(result.brokerRestarts()).as(result.line()).isGreaterThanOrEqualTo(1);
        assertThat(result.uploads()).as(result.line()).isEqualTo(settings.uploads());
        assertThat(result.passed()).as(result.line()).isTrue();
    }
}
