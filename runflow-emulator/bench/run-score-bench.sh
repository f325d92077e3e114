#!/usr/bin/env bash
# Measures the emulator's Score Image throughput on loopback: small image by URL, 0 ms added latency,
# bounded load (wrk, 2 threads, 64 connections, 20 s after a 5 s warm-up). Needs wrk (apt-get install -y wrk)
# and the standalone jar (./mvnw -B -q -pl runflow-emulator -am package -DskipTests).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
port="${PORT:-18089}"
connections="${CONNECTIONS:-64}"
duration="${DURATION:-20s}"
log="$here/../target/bench-emulator.log"
mkdir -p "$here/../target"
"$here/../bin/runflow-emulator" --port "$port" --https-port -1 --latency 0 >"$log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null && break
  sleep 0.2
done
export IMAGE_URL="http://127.0.0.1:$port/sandbox/samples/small.jpg"
wrk -t2 -c"$connections" -d5s -s "$here/score-url.lua" "http://127.0.0.1:$port" >/dev/null
java_pid="$(pgrep -P "$emulator" java || echo "$emulator")"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$java_pid/stat"; }
before="$(cpu_ticks)"
out="$(wrk -t2 -c"$connections" -d"$duration" --latency -s "$here/score-url.lua" "http://127.0.0.1:$port")"
after="$(cpu_ticks)"
echo "$out"
requests="$(echo "$out" | awk '/requests in/ {print $1}')"
# CPU the emulator itself used: with the machine shared, requests per CPU-second is the steadier figure.
awk -v r="$requests" -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" \
  'BEGIN { cpu = t / hz; printf "emulator CPU: %.1f s for %d requests = %.0f requests per CPU-second\n", cpu, r, r / cpu }'
uptime
echo "--- emulator counters"
curl -s "http://127.0.0.1:$port/admin/counters" | head -c 400; echo
