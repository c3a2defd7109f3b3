#!/usr/bin/env bash
# benches/stub_load.sh : load benchmark of `oir stub` (issue 4, "Benchmark (not a test)").
#
# Builds the release binary, starts `oir stub` pinned to one core, measures launch -> first valid
# answer, runs wrk at 1/16/64 keep-alive connections (bounded: wrk -d plus timeout), reads RSS,
# and prints a table with PASS/FAIL per target:
#   >= 40,000 requests/s at 16 connections while validating, p99 <= 2 ms at 64 connections,
#   RSS <= 60 MB, start <= 50 ms.
#
# What is loaded (loopback only):
#   pack  : the service packs (default `oir stub`), the SF1590_A ModtagFinansbilag example request
#           (schemas/SF1590_A/examples/ModtagFinansbilag.request.xml without comment and
#           indentation), POSTed to /service/OIR/ModtagFinansbilag/2, two paths:
#             duplicate : the same bytes every time: after the first, each is a resend the stub
#                         answers from its idempotency cache (envelope, routing, context and schema
#                         are still checked; rules, booking and answer building are skipped)
#             full      : every request a new message (BeskedUUID, FinansbilagUUID and the posting
#                         UUIDs unique; benches/stub_load.lua): validated, rules, booked on the
#                         ledger, answer built and cached. This path is the gate.
#   ceiling : examples/http_ceiling.rs (raw tokio, hyper, axum) answering every POST without any
#           work, loaded exactly like the pack's full path: the HTTP ceiling of this machine, which
#           the stub's figures can only approach (informational, not gated; not in the default MODES)
#   peers : generic mode `oir stub --no-packs --seed 2 --wsdl ../shared/bench-peers/contract/finansbilag.wsdl`
#           (seed 2: the generated Kvittering has Status MODTAGET, which the peers' readiness
#           check and bench-stub.sh's pre-flight require; seed 1 happens to generate AFVIST)
#           with the peers' own payloads/request-2k.xml, started with the peers' start-custom.sh and
#           loaded with their bench-stub.sh (same wrk script, same pinning as the published peer
#           figures); informational, not gated.
#
# Reuses ../shared/bench-peers by path (common.sh: pinning, RSS and CPU accounting;
# start-custom.sh, bench-stub.sh, stop-stub.sh for the peers mode). Needs wrk, taskset, python3, curl
# (`apt-get install wrk`).
#
# Knobs (env, defaults in brackets):
#   DURATION [10]        seconds per load run     REPS [3]        runs per cell (medians reported)
#   CONNS_LIST [1 16 64] connections              STARTUPS [5]    starts timed per mode
#   WARMUP [3]           seconds of unmeasured load before each path
#   MODES [pack peers]   which modes (also: ceiling; CEILINGS [raw hyper axum])              PATHS [duplicate full]  pack-mode paths (set empty: only the starts)
#   STUB_CPUS [0] LOAD_CPUS [1]  cores (as in bench-peers/common.sh)
#   PEERS_PORT [18090]   port of the generic-mode stub (start-custom.sh needs a fixed URL)
#   PEERS_SEED [2]       --seed of the generic-mode stub
#   OIR_SHARED [<crate>/../shared]  where bench-peers lives
#   OUT [<target>/stub-load/results-<time>.txt]  raw key=value lines
#   NO_BUILD=1           use the existing release binary
# Exit status: 0 all targets met, 1 a target missed (or a run failed), 2 setup problem.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${OIR_SHARED:-$ROOT/../shared}"
PEERS="$SHARED/bench-peers"
[ -f "$PEERS/common.sh" ] || { echo "no $PEERS/common.sh (set OIR_SHARED)" >&2; exit 2; }
for t in wrk taskset python3 curl; do
  command -v "$t" >/dev/null || { echo "$t not found (wrk: apt-get install wrk)" >&2; exit 2; }
done

TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
export RUN_DIR="${RUN_DIR:-$TARGET/stub-load/run}"
export RESULTS_DIR="${RESULTS_DIR:-$TARGET/stub-load}"
# shellcheck source=/dev/null
. "$PEERS/common.sh"      # STUB_CPUS, LOAD_CPUS, now_ms, rss_kb, tree_cpu_ticks, cpus_ticks

DURATION=${DURATION:-10}; REPS=${REPS:-3}; CONNS_LIST=${CONNS_LIST:-"1 16 64"}
STARTUPS=${STARTUPS:-5}; WARMUP=${WARMUP:-3}; MODES=${MODES:-"pack peers"}
PATHS=${PATHS-"duplicate full"}; PEERS_PORT=${PEERS_PORT:-18090}
OUT=${OUT:-$RESULTS_DIR/results-$(date +%Y%m%d-%H%M%S).txt}
HELPER="$ROOT/benches/stub_load.py"
LUA="$ROOT/benches/stub_load.lua"
PACK_PATH=/service/OIR/ModtagFinansbilag/2
PACK_ACTION='"http://serviceplatformen.dk/xml/wsdl/soap11/OIR/ModtagFinansbilag/2/ModtagFinansbilag"'
PACK_BODY="$RUN_DIR/modtagfinansbilag-request.xml"
PEERS_BODY="$PEERS/payloads/request-2k.xml"
PEERS_WSDL="$PEERS/contract/finansbilag.wsdl"

load1() { cut -d' ' -f1 /proc/loadavg; }
note() { echo "$*" | tee -a "$OUT"; }

if [ "${NO_BUILD:-0}" != 1 ]; then
  echo "building: cargo build --release --bin oir (CARGO_TARGET_DIR=$TARGET)" >&2
  (cd "$ROOT" && cargo build --release --bin oir) >&2
fi
BIN="$TARGET/release/oir"
[ -x "$BIN" ] || { echo "no release binary at $BIN" >&2; exit 2; }
CEIL="$TARGET/release/examples/http_ceiling"
if [[ " $MODES " == *" ceiling "* ]]; then
  if [ "${NO_BUILD:-0}" != 1 ]; then
    (cd "$ROOT" && cargo build --release --example http_ceiling) >&2
  fi
  # Checked before any load runs: a missing server must not cost minutes of measuring first.
  [ -x "$CEIL" ] || { echo "no $CEIL (cargo build --release --example http_ceiling, or drop ceiling from MODES)" >&2; exit 2; }
fi
python3 "$HELPER" payload "$ROOT/schemas/SF1590_A/examples/ModtagFinansbilag.request.xml" "$PACK_BODY" >/dev/null

PIDS=()
stop_pid() { # TERM by pid, KILL after 5 s; only processes this script started
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() { for p in "${PIDS[@]}"; do stop_pid "$p"; done; }
trap cleanup EXIT

mkdir -p "$(dirname "$OUT")"
note "# stub_load $(date -Is) bin=$BIN commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo -) dirty=$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | wc -l) nproc=$(nproc) stub_cpus=$STUB_CPUS load_cpus=$LOAD_CPUS dur=$DURATION reps=$REPS conns=[$CONNS_LIST] loadavg=[$(cut -d' ' -f1-3 /proc/loadavg)]"

# start_pack ARGS... -> starts `oir stub ARGS` on a free port, pinned; sets STUB_PID, STUB_URL, START_LINE
start_pack() {
  START_LINE=$(python3 "$HELPER" start --log "$RUN_DIR/oir-stub.log" --pidfile "$RUN_DIR/oir-stub.pid" \
    --cpus "$STUB_CPUS" --body "$PACK_BODY" --path "$PACK_PATH" --action "$PACK_ACTION" --expect pack --vary \
    -- "$BIN" stub --listen 127.0.0.1:0 "$@")
  STUB_PID=$(sed -n 's/.*pid=\([0-9]*\).*/\1/p' <<<"$START_LINE")
  STUB_URL=$(sed -n 's/.* url=\([^ ]*\).*/\1/p' <<<"$START_LINE")
  PIDS+=("$STUB_PID")
}

# one_run MODE PATH CONNS DURATION PHASE REP -> one wrk run against the pack stub, one key=value line
one_run() {
  local mode=$1 path=$2 conns=$3 dur=$4 phase=$5 rep=$6 vary=0 run_id out line
  [ "$path" = full ] && vary=1
  run_id=$(printf '%06x' $(( (RANDOM << 9 ^ RANDOM) & 0xffffff )))
  out="$RUN_DIR/wrk-last.out"
  local hz c_busy0 c_total0 c_busy1 c_total1 s0 t0 wall l1
  hz=$(getconf CLK_TCK); l1=$(load1)
  read -r c_busy0 c_total0 < <(cpus_ticks "$STUB_CPUS")
  s0=$(tree_cpu_ticks "$STUB_PID"); t0=$(now_ms)
  BODYFILE="$PACK_BODY" SOAP_ACTION="$PACK_ACTION" VARY=$vary RUN_ID=$run_id \
    timeout -k 5 $(( dur + 20 )) taskset -c "$LOAD_CPUS" \
    wrk -t1 -c"$conns" -d"${dur}s" --timeout 5s -s "$LUA" "$STUB_URL$PACK_PATH" >"$out" 2>&1 || true
  line=$(grep '^WRKRESULT' "$out" || true)
  [ -n "$line" ] || { echo "wrk failed:" >&2; cat "$out" >&2; return 1; }
  wall=$(( $(now_ms) - t0 ))
  read -r c_busy1 c_total1 < <(cpus_ticks "$STUB_CPUS")
  kvv() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
  local cpu busy errors
  cpu=$(awk -v d=$(( $(tree_cpu_ticks "$STUB_PID") - s0 )) -v hz="$hz" -v w="$wall" 'BEGIN{printf "%.0f", 100*d/hz/(w/1000)}')
  busy=$(awk -v b=$((c_busy1 - c_busy0)) -v t=$((c_total1 - c_total0)) 'BEGIN{printf "%.0f", t ? 100*b/t : 0}')
  errors=$(( $(kvv err_connect) + $(kvv err_read) + $(kvv err_write) + $(kvv err_timeout) ))
  note "mode=$mode path=$path phase=$phase rep=$rep conns=$conns body_bytes=$(wc -c <"$PACK_BODY") dur_s=$(kvv duration_s) requests=$(kvv requests) rps=$(kvv rps) p50_ms=$(awk -v v="$(kvv p50_us)" 'BEGIN{printf "%.3f", v/1000}') p90_ms=$(awk -v v="$(kvv p90_us)" 'BEGIN{printf "%.3f", v/1000}') p99_ms=$(awk -v v="$(kvv p99_us)" 'BEGIN{printf "%.3f", v/1000}') max_ms=$(awk -v v="$(kvv max_us)" 'BEGIN{printf "%.3f", v/1000}') errors=$errors non2xx=$(kvv non2xx3xx) rss_mb=$(awk -v v="$(rss_kb "$STUB_PID")" 'BEGIN{printf "%.1f", v/1024}') hwm_mb=$(awk -v v="$(rss_kb "$STUB_PID" VmHWM)" 'BEGIN{printf "%.1f", v/1024}') stub_cpu_pct=$cpu stubcore_busy_pct=$busy stub_cpus=$STUB_CPUS load_cpus=$LOAD_CPUS load1=$l1 run_id=$run_id"
}

# ---- pack mode: the service packs, SF1590_A ModtagFinansbilag ----
if [[ " $MODES " == *" pack "* ]]; then
  for i in $(seq "$STARTUPS"); do
    l1=$(load1); start_pack
    note "mode=pack phase=startup rep=$i $START_LINE load=$l1"
    [ "$i" -lt "$STARTUPS" ] && { stop_pid "$STUB_PID"; sleep 0.5; }
  done
  accepted_total=0
  for path in $PATHS; do
    [ "$WARMUP" -gt 0 ] && one_run pack "$path" 16 "$WARMUP" warmup 0 >/dev/null
    for rep in $(seq "$REPS"); do
      for c in $CONNS_LIST; do one_run pack "$path" "$c" "$DURATION" steady "$rep"; done
    done
    # RSS first, then the journal's last 200 outcomes (all accepted/resend: the tail of the load
    # was answered as intended, not with faults or rejections) and the finansbilag kept in state.
    rss_now=$(awk -v v="$(rss_kb "$STUB_PID")" 'BEGIN{printf "%.1f", v/1024}')
    hwm_now=$(awk -v v="$(rss_kb "$STUB_PID" VmHWM)" 'BEGIN{printf "%.1f", v/1024}')
    read -r jr bilag < <(python3 "$HELPER" journal "$STUB_URL" "$PACK_BODY" "$PACK_PATH" "$PACK_ACTION")
    note "mode=pack path=$path phase=state journal=$jr bilag=$bilag rss_mb=$rss_now hwm_mb=$hwm_now load1=$(load1)"
  done
  stop_pid "$STUB_PID"
fi

# ---- ceiling mode: servers that do no work (examples/http_ceiling.rs), same load, same pinning ----
# What HTTP alone costs on this machine: the stub's throughput can only be below these.
if [[ " $MODES " == *" ceiling "* ]]; then
  for kind in ${CEILINGS:-raw hyper axum}; do
    taskset -c "$STUB_CPUS" "$CEIL" "$kind" 127.0.0.1:0 >"$RUN_DIR/ceiling.url" 2>"$RUN_DIR/ceiling.log" &
    STUB_PID=$!; PIDS+=("$STUB_PID")
    for _ in $(seq 100); do [ -s "$RUN_DIR/ceiling.url" ] && break; sleep 0.05; done
    STUB_URL=$(head -1 "$RUN_DIR/ceiling.url")
    [ -n "$STUB_URL" ] || { echo "http_ceiling $kind did not start" >&2; exit 2; }
    [ "$WARMUP" -gt 0 ] && one_run ceiling "$kind" 16 "$WARMUP" warmup 0 >/dev/null
    for rep in $(seq "$REPS"); do
      for c in $CONNS_LIST; do one_run ceiling "$kind" "$c" "$DURATION" steady "$rep"; done
    done
    stop_pid "$STUB_PID"
  done
fi

# ---- peers mode: generic mode with the peers' contract and payload, through their scripts ----
if [[ " $MODES " == *" peers "* ]]; then
  export RUN_DIR
  purl="http://127.0.0.1:$PEERS_PORT/ws/finansbilag"
  for i in $(seq "$STARTUPS"); do
    l1=$(load1)
    line=$(CUSTOM_NAME=oir-generic CUSTOM_CMD="$BIN stub --no-packs --seed ${PEERS_SEED:-2} --wsdl $PEERS_WSDL --listen 127.0.0.1:$PEERS_PORT" \
      CUSTOM_URL="$purl" "$PEERS/start-custom.sh") || { echo "generic-mode start failed" >&2; exit 1; }
    PIDS+=("$(cat "$RUN_DIR/oir-generic.pid")")
    # start-custom.sh polls with curl every 20 ms: its startup_ms has that granularity.
    note "mode=peers phase=startup rep=$i $(sed 's/^started oir-generic //' <<<"$line") listen_ms=- load=$l1"
    [ "$i" -lt "$STARTUPS" ] && { "$PEERS/stop-stub.sh" oir-generic >/dev/null; sleep 0.5; }
  done
  [ "$WARMUP" -gt 0 ] && CONNS=16 DURATION=$WARMUP PIDFILE="$RUN_DIR/oir-generic.pid" LABEL=oir-generic \
    "$PEERS/bench-stub.sh" "$purl" "$PEERS_BODY" >/dev/null
  for rep in $(seq "$REPS"); do
    for c in $CONNS_LIST; do
      l1=$(load1)
      line=$(CONNS=$c DURATION=$DURATION PIDFILE="$RUN_DIR/oir-generic.pid" LABEL=oir-generic \
        "$PEERS/bench-stub.sh" "$purl" "$PEERS_BODY")
      note "mode=peers path=generic phase=steady rep=$rep body_bytes=$(wc -c <"$PEERS_BODY") $line stub_cpus=$STUB_CPUS load_cpus=$LOAD_CPUS load1=$l1"
    done
  done
  "$PEERS/stop-stub.sh" oir-generic >/dev/null
fi

note "# done $(date -Is) loadavg=[$(cut -d' ' -f1-3 /proc/loadavg)]"
echo "raw results: $OUT"
python3 "$HELPER" summary "$OUT"
