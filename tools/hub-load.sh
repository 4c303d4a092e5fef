#!/usr/bin/env bash
# Load figures of the hub (issue 15, item 8): starts N `kiosk-hub serve` instances on one database,
# drives application intake (every request a new application: its own Idempotency-Key, acceptance
# number and slip token, spread over many terminals) and then the progress lookup of the applications
# it created, with wrk (Debian package `wrk`, installed when missing) and a Lua script per phase.
# Prints applications per second, lookups per second, p50/p99 latency and the count of non-2xx answers
# for each instance (one wrk per instance stands in for a load balancer).
#
#   tools/hub-load.sh [--database FILE|postgres://URL] [--instances N] [--duration 20s]
#                     [--connections 32] [--threads 2] [--terminals 50] [--debug]
#
#   --database     a SQLite file (default: a new one in a temporary folder) or a postgres:// URL (an
#                  empty database the hub may create its tables in); the same database for every instance.
#   --instances    hub processes, each on its own port (default 1); more than one needs PostgreSQL (a
#                  second `serve` on one SQLite file is refused).
#   --duration     of each phase (default 20s); --connections and --threads are per wrk (per instance).
#   --debug        use the debug build already in the target folder (e.g. the tests'), as it is: not
#                  rebuilt (a build here could differ in features from the tests' and replace it).
#                  Without it the release build is built and used.
#
# The hubs run with log_level = "warn" (one log line per request would measure the logger), rate
# limits raised out of the way and a key file (personal fields sealed, as a configured hub does);
# everything else is the shipped default. Results go to stdout and to
# $out/results.txt (the temporary folder is printed, and kept).
set -euo pipefail
cd "$(dirname "$0")/.."

database="" instances=1 duration=20s connections=32 threads=2 terminals=50 profile=release
while [ $# -gt 0 ]; do
    case "$1" in
        --database) database="$2"; shift 2 ;;
        --instances) instances="$2"; shift 2 ;;
        --duration) duration="$2"; shift 2 ;;
        --connections) connections="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --terminals) terminals="$2"; shift 2 ;;
        --debug) profile=debug; shift ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "hub-load: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
fail() { echo "hub-load: $*" >&2; exit 1; }

if ! command -v wrk >/dev/null; then
    echo "== installing wrk"
    (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null || fail "wrk is missing: apt-get install wrk"
fi

target="${CARGO_TARGET_DIR:-target}"
hub="$target/$profile/kiosk-hub"
if [ "$profile" = release ]; then
    echo "== cargo build --release -p kiosk-hub"
    cargo build --release -p kiosk-hub >&2
else
    [ -x "$hub" ] || fail "--debug uses the existing debug build, and there is none: no $hub (build it first, e.g. cargo test -p kiosk-hub --no-run, or cargo build -p kiosk-hub)"
    echo "== using the existing debug build $hub"
fi
[ -x "$hub" ] || fail "no $hub"

out="$(mktemp -d /tmp/hub-load.XXXXXX)"
[ -n "$database" ] || database="$out/hub.sqlite3"
case "$database" in
    postgres://*|postgresql://*) ;;
    *)
        [ "$instances" = 1 ] \
            || fail "one SQLite file takes one kiosk-hub serve: use a postgres:// URL for --instances $instances"
        case "$database" in /*) ;; *) database="$PWD/$database" ;; esac
        ;;
esac
echo "== results and logs in $out (database: ${database%%@*}…)"

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

ports=()
for i in $(seq 1 "$instances"); do
    port="$(free_port)"
    ports+=("$port")
    cat > "$out/hub-$i.toml" <<EOF
listen = "127.0.0.1:$port"
database = "$database"
log_level = "warn"
key_file = "$out/hub.key"
terminal_requests_per_minute = 100000000
terminal_burst = 100000000
auth_failures_per_minute = 100000000
EOF
done

"$hub" --config "$out/hub-1.toml" keys init >/dev/null

# Terminals, registered once (every instance shares the database): "<id> <token>" per line.
: > "$out/terminals.txt"
for t in $(seq -f "%03g" 1 "$terminals"); do
    token="$("$hub" --config "$out/hub-1.toml" terminals add --id "LOAD-$t" --name "load $t")"
    echo "LOAD-$t $token" >> "$out/terminals.txt"
done

for i in $(seq 1 "$instances"); do
    "$hub" --config "$out/hub-$i.toml" serve 2> "$out/hub-$i.log" &
    pids+=("$!")
done
for port in "${ports[@]}"; do
    for _ in $(seq 1 100); do
        python3 -c 'import urllib.request,sys; urllib.request.urlopen(sys.argv[1]).read()' \
            "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
        sleep 0.1
    done
done

cat > "$out/common.lua" <<'EOF'
-- Terminals and their tokens, from terminals.txt.
terminals = {}
for line in io.lines(os.getenv("LOAD_DIR") .. "/terminals.txt") do
    local id, token = line:match("^(%S+) (%S+)$")
    table.insert(terminals, {id = id, token = token})
end
run = os.getenv("LOAD_RUN")

threads = {}
thread_no = 0
function setup(thread)
    thread_no = thread_no + 1
    thread:set("tid", thread_no)
    table.insert(threads, thread)
end

-- The slip token of application n of thread tid: 20 characters of [a-z0-9].
function slip_token(tid, n)
    return string.format("%s%02d%010d", run, tid, n)
end

function report(phase, summary, latency)
    local secs = summary.duration / 1e6
    local bad = summary.errors.status + summary.errors.connect + summary.errors.read
        + summary.errors.write + summary.errors.timeout
    io.write(string.format(
        "RESULT phase=%s instance=%s requests=%d per_second=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f non_2xx=%d socket_errors=%d\n",
        phase, os.getenv("LOAD_INSTANCE"), summary.requests, summary.requests / secs,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
        summary.errors.status, bad - summary.errors.status))
end
EOF

cat > "$out/intake.lua" <<'EOF'
dofile(os.getenv("LOAD_DIR") .. "/common.lua")
n = 0
function request()
    n = n + 1
    local t = terminals[(n + tid) % #terminals + 1]
    local key = string.format("%s-%04x-4%03x-8000-%012x", run:sub(1, 8), tid, tonumber(os.getenv("LOAD_INSTANCE")), n)
    local body = string.format([[{"idempotency_key":"%s","terminal_id":"%s","acceptance_no":"%s-%s-%02d-%d",]]
        .. [["kind":"application","item_code":"LL0001","item_name":"老年人优待证办理（年审）",]]
        .. [["applicant":{"name":"王秀兰","id_number":"430102195303151027","card_type":"resident","gender":"女",]]
        .. [["birth_date":"1953-03-15","address":"湖南省长沙市芙蓉区七星社区幸福路8号2栋301室"},]]
        .. [["form":{"phone":"13800000000"},"submitted_at":"2026-11-22T09:41:00+08:00",]]
        .. [["promised_date":"2026-11-29","pickup_code":"482913","token":"%s","grid":null,"note":null}]],
        key, t.id, t.id, run, tid, n, slip_token(tid, n))
    return wrk.format("POST", "/api/v1/applications", {
        ["Authorization"] = "Bearer " .. t.token,
        ["Content-Type"] = "application/json",
        ["Idempotency-Key"] = key,
    }, body)
end
function done(summary, latency, requests)
    -- How many each thread created, for the lookup phase.
    local f = io.open(os.getenv("LOAD_DIR") .. "/created-" .. run .. ".txt", "w")
    for _, thread in ipairs(threads) do
        f:write(thread:get("tid"), " ", thread:get("n"), "\n")
    end
    f:close()
    report("intake", summary, latency)
end
EOF

cat > "$out/progress.lua" <<'EOF'
dofile(os.getenv("LOAD_DIR") .. "/common.lua")
created = {}
for line in io.lines(os.getenv("LOAD_DIR") .. "/created-" .. run .. ".txt") do
    local tid, count = line:match("^(%d+) (%d+)$")
    -- Leave out the last requests of each thread (in flight when the intake phase stopped) and the
    -- first (wrk sometimes builds a thread's first request without sending it).
    created[tonumber(tid)] = math.max(tonumber(count) - 64, 2)
end
n = 0
function request()
    n = n + 1
    local t = terminals[n % #terminals + 1]
    local owner = n % #created + 1
    local seq = math.random(2, created[owner])
    return wrk.format("GET", "/api/v1/applications/" .. slip_token(owner, seq),
        {["Authorization"] = "Bearer " .. t.token})
end
function done(summary, latency, requests)
    report("progress", summary, latency)
end
EOF

runid="$(python3 -c 'import secrets; print(secrets.token_hex(4))')"
phase() {
    local script="$1"
    local wrk_pids=()
    for i in $(seq 1 "$instances"); do
        LOAD_DIR="$out" LOAD_RUN="${runid}$i" LOAD_INSTANCE="$i" \
            wrk -t"$threads" -c"$connections" -d"$duration" --timeout 10s -s "$out/$script" \
            "http://127.0.0.1:${ports[$((i - 1))]}" > "$out/${script%.lua}-$i.txt" 2>&1 &
        wrk_pids+=("$!")
    done
    for pid in "${wrk_pids[@]}"; do wait "$pid"; done
    cat "$out"/"${script%.lua}"-*.txt | grep '^RESULT' | tee -a "$out/results.txt"
}

echo "== intake: $instances instance(s), $threads threads x $connections connections each, $duration"
phase intake.lua
echo "== progress lookup of the applications just created"
phase progress.lua

echo "== totals"
awk '/^RESULT/ {
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        ps[v["phase"]] += v["per_second"]; bad[v["phase"]] += v["non_2xx"] + v["socket_errors"]
        if (v["p99_ms"] > p99[v["phase"]]) p99[v["phase"]] = v["p99_ms"]
     }
     END { for (p in ps) printf "%s: %.1f per second in all, worst p99 %.2f ms, %d non-2xx or socket errors\n", p, ps[p], p99[p], bad[p] }' \
    "$out/results.txt" | tee -a "$out/results.txt"
echo "hub log lines that say error: $(cat "$out"/hub-*.log | grep -ci error || true) (logs: $out/hub-*.log)"
echo "== hub version $("$hub" --version 2>/dev/null || echo '?'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
