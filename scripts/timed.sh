#!/usr/bin/env bash
# Time the steps of `make test` and print them, so a slow step shows in every run's log.
#   scripts/timed.sh start              forget the previous run's steps; the total counts from now
#   scripts/timed.sh STEP COMMAND...    run COMMAND, print how long STEP took and keep it for the summary;
#                                       if it fails, print the summary so far and fail with its status
#   scripts/timed.sh summary            print every kept step and the total since `start`
# The steps are kept in $LIANZHAO_TIMINGS (default var/test-timings.tsv).
set -uo pipefail
log="${LIANZHAO_TIMINGS:-var/test-timings.tsv}"
mkdir -p "$(dirname "$log")"

now_ms() {  # wall clock in milliseconds (bash 5's EPOCHREALTIME; whole seconds on older shells)
  if [ -n "${EPOCHREALTIME:-}" ]; then
    local t="${EPOCHREALTIME//[.,]/}"
    echo $((10#$t / 1000))
  else
    echo $(($(date +%s) * 1000))
  fi
}

seconds() {  # milliseconds as "m:ss" above a minute, else "s.s s"
  local ms=$1
  if [ "$ms" -ge 60000 ]; then
    printf "%d min %02d s" $((ms / 60000)) $(((ms % 60000) / 1000))
  else
    printf "%d.%d s" $((ms / 1000)) $(((ms % 1000) / 100))
  fi
}

summary() {
  local start total
  start="$(awk -F'\t' '$1 == "start" {print $2}' "$log" 2>/dev/null)"
  echo ""
  echo "── time per step ──────────────────────────"
  awk -F'\t' '$1 != "start" {print $1 "\t" $2 "\t" $3}' "$log" 2>/dev/null |
    while IFS=$'\t' read -r step ms status; do
      printf "  %-16s %12s  %s\n" "$step" "$(seconds "$ms")" "$status"
    done
  if [ -n "$start" ]; then
    total=$(($(now_ms) - start))
    printf "  %-16s %12s\n" "total" "$(seconds "$total")"
  fi
}

case "${1:-}" in
  start)
    printf "start\t%s\n" "$(now_ms)" >"$log"
    ;;
  summary)
    summary
    ;;
  "")
    echo "usage: scripts/timed.sh start | summary | STEP COMMAND..." >&2
    exit 2
    ;;
  *)
    step="$1"
    shift
    echo "── $step: $*"
    begin="$(now_ms)"
    "$@"
    status=$?
    elapsed=$(($(now_ms) - begin))
    if [ "$status" -eq 0 ]; then
      printf "%s\t%s\tok\n" "$step" "$elapsed" >>"$log"
      echo "── $step: $(seconds "$elapsed")"
    else
      printf "%s\t%s\tFAILED (exit %s)\n" "$step" "$elapsed" "$status" >>"$log"
      echo "── $step: $(seconds "$elapsed"), FAILED (exit $status)"
      if grep -q "^start" "$log"; then summary; fi
    fi
    exit "$status"
    ;;
esac
