#!/usr/bin/env bash
# score-throughput: an in-process Kafka broker, the Runflow emulator with a fixed added latency, and the local
# schema registry; the processor under test in its own JVM (-Xmx256m, exactly_once_v2, 12
# input partitions), first with a blocking call per record (sync), then at each max-in-flight a plain asynchronous
# HTTP pass (same client, same concurrency, no Kafka: the HTTP bound) and the asynchronous processor.
# The broker and the emulator run in JVMs of their own, so that each one's CPU time is read. Rates and CPU are
# measured over the last two thirds of each run (the first third warms the JVM's JIT), after a warm-up of the emulator.
# Prints one line per run, then per max-in-flight: max_in_flight=… sync_per_s=… async_per_s=… ratio=… bound_per_s=…
#   efficiency=… http_bound_per_s=… efficiency_vs_http=… p99_ms=… http_p99_ms=… cpu_ms_per_upload processor=…
#   emulator=… broker=… http_client=… http_emulator=…
# Usage: bench/score-throughput.sh [--latency-ms 200] [--max-in-flight 64,1024] [--uploads 6000,60000]
#        [--sync-uploads 100] [--keys 4096] [--partitions 12] [--heap 256m] [--run-limit-s 240] [--warmup-calls 20000]
#        [--variants "base;threads2:PROCESSOR_STREAM_THREADS=2"]   (processor runs with extra environment, one run)
# BENCH_CHILD_JVM_OPTIONS_BenchProcessor="-XX:StartFlightRecording=..." adds JVM options to the processor's JVM.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q -pl processor -am install -DskipTests
./mvnw -B -q -pl processor dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath
CLASSPATH="processor/target/test-classes:processor/target/classes:$(cat processor/target/bench.classpath)"
exec java -Xmx1g -cp "$CLASSPATH" io.runflowkafka.processor.bench.ScoreThroughputBench "$@"
