#!/usr/bin/env bash
# chaos: the whole pipeline on three Kafka nodes (each its own JVM), 3 processors, 2 bridges and 2 sinks (each its
# own JVM), the schema registry, the Runflow emulator and a round-robin callback proxy, under SIGKILLs, a SIGSTOP
# past the session time-out, broker failovers, a scale-out, Runflow 429/503 bursts and outages, registry outages
# and doubled callbacks, drawn from a printed seed. An independent checker reads the topics and the archive.
# The last line printed is: chaos: uploads=… routed=… lost=… duplicated=… out_of_order=… jobs_extra=… archived=…
#   archive_dup=… acked_lost=… kills=… pauses=… broker_restarts=… seed=…
# Exit 0 only when nothing was lost, duplicated, reordered, submitted twice or archived twice.
# Usage: bench/chaos.sh [--seed N] [--duration 15m] [--uploads 3000] [--orders 300] [--settle 5m] [--min-kills 30]
#                       [--dir chaos/target/chaos] [--short]
# Every process it starts is stopped by its own PID when it ends, on failure or Ctrl-C too. Logs: <dir>/logs/.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q -pl chaos -am install -DskipTests
./mvnw -B -q -pl chaos dependency:build-classpath -Dmdep.outputFile=target/chaos.classpath
CLASSPATH="chaos/target/classes:$(cat chaos/target/chaos.classpath)"
has_dir=false
for arg in "$@"; do [[ "$arg" == "--dir" ]] && has_dir=true; done
extra=()
$has_dir || extra=(--dir chaos/target/chaos)
# Not exec: the JVM's shutdown hook stops every child on Ctrl-C; the script just waits for it.
java -Xmx512m -cp "$CLASSPATH" io.runflowkafka.chaos.ChaosRun "${extra[@]}" "$@"
