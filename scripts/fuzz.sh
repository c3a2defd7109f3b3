#!/usr/bin/env bash
# Fuzz oir's input handling with cargo-fuzz (libFuzzer): XML parsing, XSD/WSDL loading,
# instance validation, the stub's SOAP pipeline, the YAML configuration and feature parsing.
#
#   scripts/fuzz.sh [CPU_MINUTES] [TARGET...]      (default: 10 minutes, every target)
#
# Builds the targets once (fuzz/, its own workspace: nightly + cargo-fuzz), seeds each
# corpus from this checkout's own files, then runs one target at a time under `nice -n 19`
# until it has used CPU_MINUTES of CPU time (libFuzzer's -max_total_time is wall-clock
# time, so on a busy machine a target is run again on its corpus for the rest). Prints, per
# target: CPU and wall seconds, executions, coverage, corpus size and crash files.
# Exit status 1 when any target left a crash, timeout or OOM file; 2 on a usage error.
#
# Environment:
#   OIR_FUZZ_WORK     corpora, crash files and logs (default: target/fuzz-work)
#   CARGO_TARGET_DIR  build output (default: target/fuzz)
#   OIR_FUZZ_MAX_LEN  libFuzzer -max_len (default: libFuzzer's choice from the seeds)
#
# Needs: rustup's nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
# No network: the stub is driven in-process.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ALL=(xml_parse schema_load validate_instance soap_envelope yaml_config feature_parse)

usage() {
    echo "usage: scripts/fuzz.sh [CPU_MINUTES] [TARGET...]" >&2
    echo "targets: ${ALL[*]}" >&2
    exit 2
}

MINUTES=10
if [[ $# -gt 0 ]]; then
    [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]] || usage
    MINUTES=$1
    shift
fi
TARGETS=("$@")
[[ ${#TARGETS[@]} -eq 0 ]] && TARGETS=("${ALL[@]}")
for t in "${TARGETS[@]}"; do
    [[ " ${ALL[*]} " == *" $t "* ]] || { echo "unknown target '$t'" >&2; usage; }
done
BUDGET=$(awk -v m="$MINUTES" 'BEGIN { s = int(m * 60 + 0.5); print (s < 1 ? 1 : s) }')

WORK=${OIR_FUZZ_WORK:-$ROOT/target/fuzz-work}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target/fuzz}
# Release build with debug assertions and overflow checks (arithmetic overflow is a
# finding); no sanitizer: the crate has no unsafe code, and ASan would halve the speed.
BUILD_FLAGS=(-O -a -s none)

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is missing: rustup toolchain install nightly && cargo install cargo-fuzz --locked" >&2
    exit 2
fi

echo "== build: cargo +nightly fuzz build ${BUILD_FLAGS[*]} (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
if ! (cd "$ROOT" && nice -n 19 cargo +nightly fuzz build "${BUILD_FLAGS[@]}"); then
    echo "build failed" >&2
    exit 2
fi
TRIPLE=$(rustc +nightly -vV | sed -n 's/^host: //p')
BIN_DIR=$CARGO_TARGET_DIR/$TRIPLE/release

# Seeds: this checkout's own files, copied fresh each time (the corpus keeps what the
# fuzzer found). Nothing from ../shared.
seed() {
    local t=$1 dir=$2
    rm -rf "$dir"
    mkdir -p "$dir"
    cd "$ROOT" || exit 2
    local files=()
    case $t in
        xml_parse)
            mapfile -t files < <(find schemas -type f \( -name '*.xml' -o -name '*.xsd' -o -name '*.wsdl' \))
            ;;
        schema_load)
            mapfile -t files < <(find schemas -type f \( -name '*.xsd' -o -name '*.wsdl' \))
            ;;
        validate_instance)
            mapfile -t files < <(find schemas/SF1590_A -path '*examples*' -type f -name '*.xml')
            ;;
        soap_envelope)
            mapfile -t files < <(find schemas -path '*examples*' -type f -name '*.xml')
            # Two messages in one input (three NUL bytes between): the duplicate rules.
            local r
            while IFS= read -r r; do
                { cat "$r"; printf '\0\0\0'; cat "$r"; } >"$dir/twice-$(basename "$r")"
            done < <(find schemas -path '*/examples/*' -type f -name '*.request.xml' | head -n 20)
            ;;
        yaml_config)
            mapfile -t files < <(find schemas -type f -name '*.yaml')
            cat >"$dir/stub-config.yaml" <<'EOF'
stub:
  listen: 127.0.0.1:8088
  seed: 7
  today: 2025-06-30
  packs: [schemas/SF1590_A]
  max_body_bytes: 10485760
  journal_limit: 1000
  validate_answers: true
  unmasked_journal: false
  overrides:
    - match: {operation: ModtagFinansbilag, path: Finansbilag/Bilagstekst, equals: "x"}
      respond: {status: {code: 503}}
      probability: 0.5
      times: 3
    - respond: skip_callbacks
      tenant: t1
  callbacks:
    RegistrerDaekningAfskrivning: http://127.0.0.1:9001/service/OIR/DaekningAfskrivningRegistreringAfsend/1
  callback_retries: 3
  callback_backoff_ms: 200
EOF
            cat >"$dir/environment.yaml" <<'EOF'
name: KMD Opus test
side_under_test: erp
municipality_cvr: "29189846"
base_url: https://erp-test.example.dk
services:
  ModtagFinansbilag: https://erp-test.example.dk/oir/finans
timeout_ms: 10000
max_response_bytes: 10485760
context: invocation
tls:
  ca_bundle: certs/ca.pem
  client_pem: { cert: certs/system.pem, key: certs/system.key }
stub_admin: http://127.0.0.1:8088/__admin
triggers:
  ModtagFinansbilag: ./send-voucher.sh
EOF
            ;;
        feature_parse)
            mapfile -t files < <(find features tests/fixtures -type f -name '*.feature')
            ;;
    esac
    local f
    for f in "${files[@]}"; do
        cp "$f" "$dir/$(echo "$f" | tr '/' '_')"
    done
}

# "user sys real" seconds of the last round, from bash's `time`.
TIMEFORMAT='%3U %3S %3R'
crashed=0
summary=()
for t in "${TARGETS[@]}"; do
    bin=$BIN_DIR/$t
    corpus=$WORK/corpus/$t
    seeds=$WORK/seeds/$t
    artifacts=$WORK/artifacts/$t
    log=$WORK/logs/$t.log
    mkdir -p "$corpus" "$artifacts" "$WORK/logs"
    seed "$t" "$seeds"
    : >"$log"
    echo "== $t: $BUDGET CPU-seconds; log $log"
    cpu=0 wall=0 execs=0 rounds=0 idle=0 rc=0
    while awk -v c="$cpu" -v b="$BUDGET" 'BEGIN { exit !(c < b) }'; do
        left=$(awk -v c="$cpu" -v b="$BUDGET" 'BEGIN { l = int(b - c + 0.999); print (l < 1 ? 1 : l) }')
        cmd=(nice -n 19 "$bin" -max_total_time="$left" -timeout=10 -rss_limit_mb=2048
            -print_final_stats=1 -artifact_prefix="$artifacts/")
        [[ -n ${OIR_FUZZ_MAX_LEN:-} ]] && cmd+=(-max_len="$OIR_FUZZ_MAX_LEN")
        cmd+=("$corpus" "$seeds")
        echo "\$ ${cmd[*]}" | tee -a "$log"
        round_log=$WORK/logs/$t.round.log
        { time "${cmd[@]}" >"$round_log" 2>&1; } 2>"$WORK/logs/$t.time"
        rc=$?
        cat "$round_log" >>"$log"
        read -r u s r <"$WORK/logs/$t.time"
        used=$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')
        cpu=$(awk -v c="$cpu" -v x="$used" 'BEGIN { print c + x }')
        wall=$(awk -v w="$wall" -v x="$r" 'BEGIN { print w + x }')
        n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$round_log" | tail -n 1)
        execs=$((execs + ${n:-0}))
        cov=$(grep -o 'cov: [0-9]*' "$round_log" | tail -n 1 | cut -d' ' -f2)
        ft=$(grep -o 'ft: [0-9]*' "$round_log" | tail -n 1 | cut -d' ' -f2)
        rounds=$((rounds + 1))
        [[ $rc -ne 0 ]] && break
        # A round that could not get CPU at all (a stopped machine) must not spin forever.
        if awk -v x="$used" 'BEGIN { exit !(x < 1) }'; then
            idle=$((idle + 1))
            [[ $idle -ge 3 ]] && { echo "$t: no CPU time in 3 rounds, giving up" >&2; break; }
        fi
    done
    rm -f "$WORK/logs/$t.round.log" "$WORK/logs/$t.time"
    mapfile -t found < <(find "$artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | sort)
    units=$(find "$corpus" -type f | wc -l)
    [[ ${#found[@]} -gt 0 || $rc -ne 0 ]] && crashed=1
    line=$(printf '%-18s cpu %7.1fs  wall %7.1fs  rounds %2d  execs %10d  cov %6s  ft %6s  corpus %6d  crashes %d' \
        "$t" "$cpu" "$wall" "$rounds" "$execs" "${cov:-?}" "${ft:-?}" "$units" "${#found[@]}")
    [[ $rc -ne 0 && ${#found[@]} -eq 0 ]] && line+="  (libFuzzer exit $rc, see $log)"
    echo "$line"
    summary+=("$line")
    for f in "${found[@]}"; do
        echo "   $f"
        echo "   reproduce: $bin $f"
        echo "   minimize:  CARGO_TARGET_DIR=$CARGO_TARGET_DIR cargo +nightly fuzz tmin ${BUILD_FLAGS[*]} $t $f"
    done
done

echo
echo "== summary ($MINUTES CPU-minutes per target; work folder $WORK)"
printf '%s\n' "${summary[@]}"
if [[ $crashed -ne 0 ]]; then
    echo "crashes found: turn each into a test in tests/fuzz_regressions.rs (see README)"
    exit 1
fi
echo "no crashes"
