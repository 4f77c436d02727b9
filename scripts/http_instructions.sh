#!/usr/bin/env bash
# User-space instructions per HTTP request of the demo server, counted by valgrind: a figure
# that does not move with the machine's load, for A/B comparisons of changes to the server or
# the library (the kernel's share of a request is not counted; see docs/PERFORMANCE.md).
#
#   scripts/http_instructions.sh [SERVER_BIN] [SCENARIOS]
#
# SERVER_BIN defaults to target/release/examples/server (built with
# `cargo build --release --example server`); SCENARIOS to "protected cc pw". For each scenario
# the server runs under callgrind (one tokio worker, the harness' config), a keep-alive client
# sends N1 and then, in a fresh server, N2 requests; the difference of the two totals divided by
# N2 - N1 is the per-request count (startup and shutdown cancel out).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/examples/server}
SCENARIOS=${2:-protected cc pw}
N1=${N1:-1000}
N2=${N2:-3000}
PORT=${PORT:-18191}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 2; }
[ -x "$BIN" ] || { echo "no server binary at $BIN: cargo build --release --example server" >&2; exit 2; }

# The harness' demo-server config (../shared/perf/run.sh writes the same), shared with
# scripts/ab_http.py.
cp scripts/bench_config.json "$WORK/config.json"

cat >"$WORK/client.py" <<'PY'
import base64, http.client, json, sys, time
port, n, scenario = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for _ in range(600):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        c.connect()
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("the server did not start")
basic = "Basic " + base64.b64encode(b"bench-client:bench-secret").decode()
form = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": basic}
bodies = {
    "cc": "grant_type=client_credentials&scope=read%20write",
    "pw": "grant_type=password&username=alice&password=wonderland&scope=read%20write",
}
# /protected's bearer comes from a password grant, as in ../shared/perf/run.sh (get_token): its
# token carries a user, which every authenticate returns.
c.request("POST", "/oauth/token", bodies["pw"], form)
token = json.loads(c.getresponse().read())["access_token"]
for _ in range(n):
    if scenario == "protected":
        c.request("GET", "/protected", headers={"Authorization": "Bearer " + token})
    else:
        c.request("POST", "/oauth/token", bodies[scenario], form)
    r = c.getresponse()
    r.read()
    assert r.status == 200, r.status
PY

# Total instructions of one server run serving `n` requests of `scenario`.
total() {
  local scenario=$1 n=$2
  WORKERS=1 valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.%p" "$BIN" \
    --config "$WORK/config.json" --addr "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
  local vg=$!
  python3 "$WORK/client.py" "$PORT" "$n" "$scenario"
  kill -INT "$vg"
  wait "$vg" || true
  grep -h '^summary:' "$WORK"/cg.* | awk '{s += $2} END {print s}'
  rm -f "$WORK"/cg.*
}

echo "| scenario | user-space instructions per request | runs of $N1 and $N2 requests |"
echo "|---|---:|---|"
for scenario in $SCENARIOS; do
  a=$(total "$scenario" "$N1")
  b=$(total "$scenario" "$N2")
  echo "| $scenario | $(( (b - a) / (N2 - N1) )) | $a / $b |"
done
