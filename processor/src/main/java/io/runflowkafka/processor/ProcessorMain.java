package io.runflowkafka.processor;

import io.runflowkafka.common.service.ServiceLauncher;

/**
 * Starts the processor: {@code processor [config.properties]}; environment variables override the file. Exits 2 on
 * an invalid configuration and {@value ServiceLauncher#EXIT_STOPPED_FOR_GOOD} when Kafka Streams stops for good
 * (see {@link ServiceLauncher}).
 */
public final class ProcessorMain {

    private ProcessorMain() {}

    public static void main(String[] args) {
        new ServiceLauncher<>(
                        "processor",
                        file -> ProcessorConfig.load(file, System.getenv()),
                        ProcessorConfig::describe,
                        ProcessorApp::start)
                .main(args);
    }
}
