#!/usr/bin/env bash
# Soak: 60 s (SOAK_SECONDS) of mixed load against the demo server with MemoryStore, on
# loopback only; samples the server's resident memory every 5 s. Stops the server itself.
#
#   scripts/soak.sh            # figures in target/soak/ (summary.txt, rss.csv, load.json)
#
# Short token lifetimes (access 10 s, refresh 20 s, code 10 s) make expired entries come due
# during the run, so a flat RSS after warm-up shows they are purged. The load (scripts/
# soak_load.py): client_credentials, password, /protected, refresh (rotation), introspect,
# revoke (access and refresh tokens), /protected with the revoked token; one round in ten
# replays a rotated-out refresh token (refused; the family is revoked).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TOTAL=${SOAK_SECONDS:-60}
WORKERS=${SOAK_WORKERS:-4}
OUT=${SOAK_OUT:-target/soak}
mkdir -p "$OUT"

cargo build --release --example server -q
BIN=${CARGO_TARGET_DIR:-target}/release/examples/server

CONFIG="$OUT/config.json"
cat > "$CONFIG" <<'JSON'
{
  "access_token_lifetime": 10, "refresh_token_lifetime": 20, "authorization_code_lifetime": 10,
  "clients": [
    { "id": "demo-client", "secret": "demo-secret", "redirect_uris": ["http://127.0.0.1:9999/cb"],
      "grants": ["authorization_code", "refresh_token", "client_credentials", "password"],
      "scopes": ["read", "write"] }
  ],
  "users": [ { "username": "alice", "password": "wonderland" } ]
}
JSON

# A free loopback port.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
WORKERS=2 "$BIN" --config "$CONFIG" --addr "127.0.0.1:$PORT" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  grep -q "listening on" "$OUT/server.log" && break
  sleep 0.1
done
grep -q "listening on" "$OUT/server.log" || { echo "server did not start"; cat "$OUT/server.log"; exit 1; }

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER/status"; }
echo "t_seconds,rss_kib" > "$OUT/rss.csv"
echo "0,$(rss)" >> "$OUT/rss.csv"
(
  for t in $(seq 5 5 "$SECONDS_TOTAL"); do
    sleep 5
    [ -e "/proc/$SERVER/status" ] && echo "$t,$(rss)" >> "$OUT/rss.csv"
  done
) &
SAMPLER=$!

status=0
timeout $((SECONDS_TOTAL + 30)) python3 scripts/soak_load.py "127.0.0.1:$PORT" "$SECONDS_TOTAL" "$WORKERS" \
  > "$OUT/load.json" || status=$?
wait $SAMPLER || true
echo "$(( SECONDS_TOTAL + 1 )),$(rss)" >> "$OUT/rss.csv"

{
  echo "soak: ${SECONDS_TOTAL} s, ${WORKERS} client threads, server WORKERS=2, 127.0.0.1:$PORT"
  python3 - "$OUT/load.json" "$OUT/rss.csv" <<'PY'
import csv, json, sys
load = json.load(open(sys.argv[1]))
rows = [(int(r["t_seconds"]), int(r["rss_kib"])) for r in csv.DictReader(open(sys.argv[2]))]
print(f"requests {load['requests']} ({load['requests_per_second']}/s), unexpected answers {load['unexpected']}")
for k, v in load["by_kind"].items():
    print(f"  {k:<30} ok {v['ok']:>7}  unexpected {v['unexpected']}")
for line in load["first_unexpected"]:
    print("  !", line)
print("RSS (KiB) by second: " + ", ".join(f"{t}:{r}" for t, r in rows))
warm = [r for t, r in rows if t >= 25]
if warm:
    print(f"after warm-up (t >= 25 s): min {min(warm)} KiB, max {max(warm)} KiB, "
          f"growth {warm[-1] - warm[0]:+d} KiB")
PY
} | tee "$OUT/summary.txt"
exit $status
