#!/usr/bin/env bash
# bridge-load: an in-process Kafka broker and the webhook bridge in one JVM, driven by wrk on loopback with valid
# 60-URL headshots callbacks (20 s by default, after a 20 s warm-up), then every event on the topic counted against the acknowledged
# callbacks. The last line printed is: rps=… p50_ms=… p99_ms=… non2xx=… stored=… acked=…
# Usage: bench/bridge-load.sh [--duration 20s] [--warmup 20s] [--connections 32] [--threads 1] [--jobs 200]
# KAFKA_* / BRIDGE_* variables reach the bridge's configuration (e.g. KAFKA_LINGER_MS=5 KAFKA_BATCH_SIZE=16384).
# BRIDGE_LOAD_JAVA_OPTS adds JVM options (e.g. a JFR recording); BRIDGE_LOAD_SKIP_BUILD=1 reuses the last build.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1; then
  echo "bridge-load: installing wrk (Debian package)" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq wrk
fi

if [ "${BRIDGE_LOAD_SKIP_BUILD:-0}" != "1" ] || [ ! -f webhook-bridge/target/bench.classpath ]; then
  ./mvnw -B -q -pl webhook-bridge -am install -DskipTests
  ./mvnw -B -q -pl webhook-bridge dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath
fi
CLASSPATH="webhook-bridge/target/test-classes:webhook-bridge/target/classes:$(cat webhook-bridge/target/bench.classpath)"
# shellcheck disable=SC2086  # the options are meant to split into words
exec java ${BRIDGE_LOAD_JAVA_OPTS:-} -cp "$CLASSPATH" io.runflowkafka.bridge.bench.BridgeLoad "$@"
