#!/usr/bin/env bash
# sink-throughput: an in-process Kafka broker, the in-memory schema registry, the Runflow emulator (HTTPS image
# URLs) and the storage sink (filesystem archive under storage-sink/target/bench-*) in one JVM, on loopback.
# Per round: a plain concurrent download of the jobs' image URLs at the sink's concurrency (the bound), then the
# same number of fresh jobs archived through the whole sink (Kafka transactions included).
# The last line printed is: images_per_s=… mb_per_s=… bound_mb_per_s=… efficiency=… cpu_ms_per_image=… bound_cpu_ms_per_image=…
# (CPU-ms per image: the JVM's process CPU time over each pass, divided by its images). JVM flags for a run, e.g. a JFR
# recording, go in SINK_BENCH_JAVA_OPTS.
# Usage: bench/sink-throughput.sh [--jobs 50] [--concurrency 16] [--per-event 8] [--in-flight 8] [--rounds 3] [--warmup-rounds 2] [--max-warmup-rounds 6] [--fsync true] [--direct-io true] [--mode service|core|fetch] [--image-latency 0] [--cpu-detail false]
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q -pl storage-sink -am install -DskipTests
./mvnw -B -q -pl storage-sink dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath
CLASSPATH="storage-sink/target/test-classes:storage-sink/target/classes:$(cat storage-sink/target/bench.classpath)"
exec java -Xmx1g ${SINK_BENCH_JAVA_OPTS:-} -Dlogback.configurationFile=storage-sink/src/test/resources/logback-bench.xml \
  -cp "$CLASSPATH" io.runflowkafka.sink.bench.SinkThroughputBench "$@"
