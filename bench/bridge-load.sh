#!/usr/bin/env bash
# bridge-load: an in-process Kafka broker and the webhook bridge in one JVM, driven by wrk on loopback with valid
# 60-URL headshots callbacks (20 s by default), then every event on the topic counted against the acknowledged
# callbacks. The last line printed is: rps=… p50_ms=… p99_ms=… non2xx=… stored=… acked=…
# Usage: bench/bridge-load.sh [--duration 20s] [--warmup 5s] [--connections 32] [--threads 1] [--jobs 200]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1; then
  echo "bridge-load: installing wrk (Debian package)" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq wrk
fi

./mvnw -B -q -pl webhook-bridge -am install -DskipTests
./mvnw -B -q -pl webhook-bridge dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath
CLASSPATH="webhook-bridge/target/test-classes:webhook-bridge/target/classes:$(cat webhook-bridge/target/bench.classpath)"
exec java -cp "$CLASSPATH" io.runflowkafka.bridge.bench.BridgeLoad "$@"
