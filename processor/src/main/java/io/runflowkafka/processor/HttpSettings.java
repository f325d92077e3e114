package io.runflowkafka.processor;

/**
 * Where the processor's HTTP server (health, metrics, job status) listens.
 *
 * @param host the interface
 * @param port the port; 0 picks a free one
 */
record HttpSettings(String host, int port) {}
