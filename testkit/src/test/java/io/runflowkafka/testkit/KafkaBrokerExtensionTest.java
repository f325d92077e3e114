package io.runflowkafka.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

class KafkaBrokerExtensionTest {

    @Test
    void shouldExplainThatTheExtensionMustBeStatic() {
        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(SampleWithInstanceField.class))
                .execute()
                .testEvents()
                .assertThatEvents()
                .haveExactly(
                        1,
                        finishedWithFailure(
                                instanceOf(ExtensionConfigurationException.class),
                                message(m -> m.contains("static field"))));
    }

    @Test
    void shouldRefuseTheBrokerHandleOutsideATestClassRun() {
        KafkaBrokerExtension extension = new KafkaBrokerExtension();

        assertThatThrownBy(extension::bootstrapServers)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not registered on a static field");
    }

    @Test
    void shouldKeepTheOriginalUnchangedWhenAddingABrokerProperty() {
        KafkaBrokerExtension original = new KafkaBrokerExtension();

        assertThat(original.withBrokerProperty("auto.create.topics.enable", "false"))
                .isNotSameAs(original);
    }

    static class SampleWithInstanceField {

        @RegisterExtension
        final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

        @Test
        void needsABroker() {
            assertThat(kafka.bootstrapServers()).isNotBlank();
        }
    }
}
