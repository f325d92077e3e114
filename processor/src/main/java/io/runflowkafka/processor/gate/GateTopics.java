package io.runflowkafka.processor.gate;

/** The quality gate's topics: its input and one output per outcome. */
public record GateTopics(String uploaded, String accepted, String retake, String deadLetter) {}
