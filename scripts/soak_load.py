#!/usr/bin/env python3
"""Mixed load against the demo server for scripts/soak.sh (loopback only, bounded in time).

Each worker loops: client_credentials token, password token, /protected with it, refresh
(rotation), /protected with the new token, introspect (active), revoke, /protected with the
revoked token (401), introspect ({"active": false}); then revoke the new refresh token, or, one
round in ten, replay the rotated-out refresh token (refused, and the family with it). Every answer is checked; anything unexpected is counted and
the first few are printed. Prints one JSON line of figures at the end.
"""
import base64
import http.client
import json
import sys
import threading
import time
import urllib.parse

HOST, PORT = sys.argv[1].rsplit(":", 1)
SECONDS = float(sys.argv[2])
WORKERS = int(sys.argv[3]) if len(sys.argv) > 3 else 4
if HOST not in ("127.0.0.1", "::1", "[::1]", "localhost"):
    sys.exit("loopback only")

BASIC = "Basic " + base64.b64encode(b"demo-client:demo-secret").decode()
FORM = "application/x-www-form-urlencoded"
lock = threading.Lock()
counts = {}
unexpected = []


def count(name, ok, detail=""):
    with lock:
        c = counts.setdefault(name, [0, 0])
        c[0 if ok else 1] += 1
        if not ok and len(unexpected) < 10:
            unexpected.append(f"{name}: {detail}")


class Conn:
    def __init__(self):
        self.c = http.client.HTTPConnection(HOST.strip("[]"), int(PORT), timeout=10)

    def call(self, method, path, body=None, headers=None):
        for attempt in (0, 1):
            try:
                self.c.request(method, path, body=body, headers=headers or {})
                r = self.c.getresponse()
                data = r.read()
                return r.status, data
            except (http.client.HTTPException, OSError):
                self.c.close()
                self.c = http.client.HTTPConnection(HOST.strip("[]"), int(PORT), timeout=10)
                if attempt:
                    raise

    def post(self, path, fields, auth=BASIC):
        headers = {"Content-Type": FORM}
        if auth:
            headers["Authorization"] = auth
        status, data = self.call("POST", path, urllib.parse.urlencode(fields), headers)
        try:
            return status, json.loads(data) if data else {}
        except ValueError:
            return status, {"raw": data[:200]}


def worker(deadline):
    c = Conn()
    n = 0
    while time.monotonic() < deadline:
        n += 1
        s, b = c.post("/oauth/token", {"grant_type": "client_credentials", "scope": "read"})
        count("token client_credentials", s == 200 and "access_token" in b, f"{s} {b}")
        s, b = c.post("/oauth/token", {"grant_type": "password", "username": "alice",
                                       "password": "wonderland", "scope": "read write"})
        count("token password", s == 200 and "refresh_token" in b, f"{s} {b}")
        if s != 200:
            continue
        access, refresh = b["access_token"], b["refresh_token"]
        s, _ = c.call("GET", "/protected", headers={"Authorization": "Bearer " + access})
        count("authenticate /protected", s == 200, s)
        s, b = c.post("/oauth/token", {"grant_type": "refresh_token", "refresh_token": refresh})
        count("token refresh_token", s == 200 and "refresh_token" in b, f"{s} {b}")
        if s != 200:
            continue
        access, new_refresh = b["access_token"], b["refresh_token"]
        s, _ = c.call("GET", "/protected", headers={"Authorization": "Bearer " + access})
        count("authenticate refreshed token", s == 200, s)
        s, b = c.post("/oauth/introspect", {"token": access})
        count("introspect", s == 200 and b.get("active") is True, f"{s} {b}")
        s, _ = c.post("/oauth/revoke", {"token": access, "token_type_hint": "access_token"})
        count("revoke", s == 200, s)
        s, _ = c.call("GET", "/protected", headers={"Authorization": "Bearer " + access})
        count("revoked token refused", s == 401, s)
        s, b = c.post("/oauth/introspect", {"token": access})
        count("introspect revoked", s == 200 and b == {"active": False}, f"{s} {b}")
        if n % 10 == 0:
            # Every tenth round: replay the rotated-out refresh token. Refused, and it revokes
            # the family (RFC 9700 4.14.2): the new refresh token is dead too. (Revoked grants
            # are remembered for 10 minutes, so doing this every round would grow memory.)
            s, b = c.post("/oauth/token", {"grant_type": "refresh_token", "refresh_token": refresh})
            count("rotated-out refresh refused", s == 400 and b.get("error") == "invalid_grant",
                  f"{s} {b}")
            s, b = c.post("/oauth/token",
                          {"grant_type": "refresh_token", "refresh_token": new_refresh})
            count("family revoked after replay", s == 400 and b.get("error") == "invalid_grant",
                  f"{s} {b}")
        else:
            s, _ = c.post("/oauth/revoke", {"token": new_refresh, "token_type_hint": "refresh_token"})
            count("revoke refresh token", s == 200, s)


deadline = time.monotonic() + SECONDS
threads = [threading.Thread(target=worker, args=(deadline,)) for _ in range(WORKERS)]
started = time.monotonic()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.monotonic() - started
total = sum(ok + bad for ok, bad in counts.values())
bad = sum(b for _, b in counts.values())
print(json.dumps({"seconds": round(elapsed, 1), "requests": total,
                  "requests_per_second": round(total / elapsed), "unexpected": bad,
                  "by_kind": {k: {"ok": v[0], "unexpected": v[1]} for k, v in counts.items()},
                  "first_unexpected": unexpected}))
sys.exit(1 if bad else 0)
