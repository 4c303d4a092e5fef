#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers (fuzz/, cargo-fuzz + libFuzzer); see fuzz/README.md.
#
#   tools/fuzz.sh short [SECONDS]         every target for SECONDS (default 20, at most 30) each, built
#                                         unoptimised (cargo fuzz build --dev: a third of the release
#                                         build's CPU time): CI
#   tools/fuzz.sh long [TARGET...]        each target (default all), one at a time under nice -n 19,
#                                         optimised, to 10 million executions or 30 minutes, whichever
#                                         comes first
#   tools/fuzz.sh build [--dev]           build the targets only (FUZZ_NO_BUILD=1 tools/fuzz.sh long …
#                                         runs the ones built before)
#
# Installs cargo-fuzz when it is missing (crates.io). The toolchain is stable: RUSTC_BOOTSTRAP=1 lets
# it take the nightly-only flags cargo-fuzz passes (-Zsanitizer, -Cpasses=sancov-module).
# Each run reads the checked-in seeds (fuzz/corpus/TARGET) and grows its own corpus in
# fuzz/corpus-run/TARGET (not tracked). A crash or a hang (one input over 10 s; 60 s in short mode)
# stops the run: the
# input is saved under fuzz/artifacts/TARGET/ and the script exits 1 after the other targets ran.
# Each run's log is fuzz/logs/TARGET.log; the last line printed per target is the row for the
# results table of fuzz/README.md.
# Environment: FUZZ_RUNS (executions, long mode; default 10000000), FUZZ_NO_BUILD=1 (long mode: no build first), FUZZ_SECONDS (long mode's time
# limit per target; default 1800), FUZZ_TIMEOUT (seconds an input may take), FUZZ_JOBS (cargo build jobs), CARGO_TARGET_DIR (where cargo fuzz
# builds; default fuzz/target).
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
[ $# -gt 0 ] && shift
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR=never

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz (cargo install cargo-fuzz --locked)"
    cargo install cargo-fuzz --locked
fi

targets() { cargo fuzz list --fuzz-dir fuzz; }

# build [--dev]: every target; sets `profile`, the folder of the binaries.
build() {
    local started=$SECONDS
    profile=release
    [ "${1:-}" = --dev ] && profile=debug
    (cd fuzz && cargo fuzz build ${1:+"$1"} ${FUZZ_JOBS:+--jobs "$FUZZ_JOBS"})
    echo "   cargo fuzz build${1:+ $1}: $((SECONDS - started)) s"
}

# run TARGET SECONDS RUNS [nice]: one libFuzzer run; prints the table row; returns 1 on a finding.
run() {
    local target=$1 seconds=$2 runs=$3 niceness=${4:-0}
    mkdir -p "fuzz/corpus-run/$target" "fuzz/artifacts/$target" fuzz/logs
    local log="fuzz/logs/$target.log" started=$SECONDS status=0
    # The binary `cargo fuzz build` made, run as `cargo fuzz run` would (its ASAN_OPTIONS), without
    # a rebuild between targets.
    (cd fuzz && ASAN_OPTIONS="${ASAN_OPTIONS:-detect_odr_violation=0}" nice -n "$niceness" \
        "${CARGO_TARGET_DIR:-target}/x86_64-unknown-linux-gnu/$profile/$target" "corpus-run/$target" "corpus/$target" \
        -max_total_time="$seconds" -runs="$runs" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="artifacts/$target/") >"$log" 2>&1 || status=$?
    local elapsed=$((SECONDS - started))
    local execs speed cov ft corpus
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    corpus=$(find "fuzz/corpus-run/$target" -type f | wc -l)
    local findings
    # A slow unit (over 10 s) is kept for a look but is not a finding; crashes, timeouts, leaks and
    # out-of-memory inputs are.
    findings=$(find "fuzz/artifacts/$target" -type f ! -name 'slow-unit-*' | wc -l)
    printf '| %s | %s | %s | %s | %s | %s | %s | %s s |\n' "$target" "${execs:-?}" "${speed:-?}" "${cov:-?}" \
        "${ft:-?}" "$corpus" "$findings" "$elapsed"
    if [ "$status" != 0 ] || [ "$findings" != 0 ]; then
        echo "   $target: FINDING (exit $status), see $log and fuzz/artifacts/$target/" >&2
        grep -m5 -E 'panicked|ERROR: libFuzzer|deadly signal|Test unit written' "$log" >&2 || true
        return 1
    fi
}

header() {
    echo "| target | executions | exec/s | cov | ft | corpus | crashes | time |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
}

case "$mode" in
    build)
        build "${1:-}"
        ;;
    short)
        seconds="${1:-20}"
        [ "$seconds" -le 30 ] || { echo "short runs are at most 30 s per target" >&2; exit 2; }
        build --dev
        # Unoptimised, one pinyin_keys seed takes 10-20 s (the dictionary lookups under ASan): a hang
        # here is an input over 60 s; the long runs (optimised) keep 10 s.
        export FUZZ_TIMEOUT="${FUZZ_TIMEOUT:-60}"
        failed=0
        header
        for t in $(targets); do
            run "$t" "$seconds" -1 || failed=1
        done
        exit "$failed"
        ;;
    long)
        # FUZZ_NO_BUILD=1: run the binaries built before (e.g. a second long run beside one going on).
        if [ "${FUZZ_NO_BUILD:-0}" = 1 ]; then profile=release; else build; fi
        failed=0
        header
        for t in ${*:-$(targets)}; do
            run "$t" "${FUZZ_SECONDS:-1800}" "${FUZZ_RUNS:-10000000}" 19 || failed=1
        done
        exit "$failed"
        ;;
    *)
        echo "usage: tools/fuzz.sh short [SECONDS] | long [TARGET...] | build" >&2
        exit 2
        ;;
esac
