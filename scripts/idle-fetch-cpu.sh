#!/usr/bin/env bash
# CPU an idle worker costs the broker, for several fetch waits of the worker's global consumer
# (the one that feeds the shared n-gram table). Starts an embedded broker in a JVM of its own, then
# one idle worker per setting, one after another, and prints the CPU time of both processes over
# 20 s (utime + stime from /proc/<pid>/stat) as a share of one core. Linux only.
#
# Usage, from the repository root after `mvn -q package -DskipTests`:
#   scripts/idle-fetch-cpu.sh [WAIT_MS ...]     (default: 10 100 500)
set -euo pipefail

jar=target/spec-ops.jar
[ -f "$jar" ] || { echo "build first: mvn -q package -DskipTests" >&2; exit 1; }
waits=("$@")
[ ${#waits[@]} -gt 0 ] || waits=(10 100 500)
settle=30
window=20

work=$(mktemp -d /tmp/spec-ops-idle-fetch.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

java -Xmx512m -cp "$jar" io.specops.reliability.BrokerProcess "$work/broker" 0 0 60000 > "$work/broker.log" 2>&1 &
broker=$!
pids+=("$broker")
until [ -f "$work/broker/broker.ready" ]; do
  kill -0 "$broker" 2>/dev/null || { echo "the broker did not start; see $work/broker.log" >&2; exit 1; }
  sleep 0.5
done
port=$(sed -n 's/^port=//p' "$work/broker/broker.ready")
java -jar "$jar" topics --bootstrap-servers "127.0.0.1:$port" > "$work/topics.log" 2>&1

for wait_ms in "${waits[@]}"; do
  java -jar "$jar" worker --bootstrap-servers "127.0.0.1:$port" \
    --set metrics.port=-1 --set worker.state.dir="$work/state-$wait_ms" \
    --set kafka.global.consumer.fetch.max.wait.ms="$wait_ms" > "$work/worker-$wait_ms.log" 2>&1 &
  worker=$!
  pids+=("$worker")
  sleep "$settle"
  kill -0 "$worker" 2>/dev/null || { echo "the worker exited; see $work/worker-$wait_ms.log" >&2; exit 1; }
  b0=$(ticks "$broker"); w0=$(ticks "$worker")
  sleep "$window"
  b1=$(ticks "$broker"); w1=$(ticks "$worker")
  awk -v w="$wait_ms" -v b=$((b1 - b0)) -v k=$((w1 - w0)) -v hz="$hz" -v s="$window" \
    'BEGIN { printf "global consumer fetch.max.wait.ms %5d: broker %3.0f%%, worker %3.0f%% of a core\n", w, 100 * b / hz / s, 100 * k / hz / s }'
  kill "$worker"; wait "$worker" 2>/dev/null || true
done
