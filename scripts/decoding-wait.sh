#!/usr/bin/env bash
# How long the decoding threads of the worker processes on this machine wait for a CPU, against
# how long they run: every INTERVAL seconds, per thread, the growth of the first two fields of
# /proc/<pid>/task/<tid>/schedstat (time on a CPU, time waiting in the run queue). Run it next
# to a benchmark, for example `java -jar target/spec-ops.jar bench --ngrams`; it stops when no
# worker process has been seen for 30 s after one was. Linux only.
#
# Usage: scripts/decoding-wait.sh [INTERVAL]     (default: 5)
set -euo pipefail
interval=${1:-5}
declare -A ran waited
seen=0
idle=0
start=$(date +%s)
while true; do
  found=0
  for dir in /proc/[0-9]*; do
    tr '\0' ' ' < "$dir/cmdline" 2>/dev/null | grep -q 'io.specops.cli.Main worker' || continue
    pid=${dir#/proc/}
    for task in "$dir"/task/*; do
      [[ $(cat "$task/comm" 2>/dev/null) == decoding-* ]] || continue
      read -r cpu queue _ < "$task/schedstat" 2>/dev/null || continue
      found=1
      key="$pid/${task##*/}"
      if [[ -n ${ran[$key]:-} ]]; then
        dcpu=$((cpu - ran[$key])); dqueue=$((queue - waited[$key]))
        if ((dcpu > 0)); then
          printf '%4d s  worker %s thread %s: ran %5d ms, waited %5d ms (%3d%%)\n' $(($(date +%s) - start)) \
            "$pid" "${task##*/}" $((dcpu / 1000000)) $((dqueue / 1000000)) $((100 * dqueue / dcpu))
        fi
      fi
      ran[$key]=$cpu; waited[$key]=$queue
    done
  done
  if ((found)); then seen=1; idle=0; else idle=$((idle + interval)); fi
  ((seen && idle >= 30)) && exit 0
  sleep "$interval"
done
