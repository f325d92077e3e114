package io.runflowkafka.chaos;

/** The kinds of fault the schedule draws from. */
enum Fault {
    KILL_PROCESSOR,
    KILL_BRIDGE,
    KILL_SINK,
    PAUSE_PROCESSOR,
    KILL_BROKER,
    SCALE_OUT,
    RUNFLOW_BURST,
    RUNFLOW_OUTAGE,
    REGISTRY_OUTAGE
}
