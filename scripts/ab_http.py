#!/usr/bin/env python3
"""Paired A/B of two demo server builds under HTTP load, for hosts too noisy for the harness.

    scripts/ab_http.py A_BIN B_BIN [--scenario cc|pw|protected] [--seconds 5] [--pairs 6]

A_BIN and B_BIN are two builds of `cargo build --release --example server` (copied aside
between builds), or one of them the harness' floor server (a binary named `bare`, e.g.
target/perf/harness/bare/target/release/bare after a harness run): then B/A is the ratio to
the floor that issue 6's HTTP targets are stated in, measured pair by pair. Each pair starts both servers one after the other, as `../shared/perf/run.sh`
does (the harness' config, one tokio worker, the server pinned to CPU 0 and `wrk` to CPU 1, 32
connections, the harness' `bench.lua`), warms each up for a second, loads it for `--seconds`,
and reads the server's CPU time (user + system, from /proc/PID/stat) around the load. Printed:
server CPU per request of every run, the B/A ratio of every pair, and the median and geometric
mean of the ratios. The
order alternates (AB, BA, ...): noise that lasts longer than a pair hits both sides of it,
which is why the ratio is steadier than either figure (see docs/PERFORMANCE.md).

Needs wrk (apt-get install wrk), curl and ../shared/perf/bench.lua.
"""

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH_LUA = os.path.join(HERE, "..", "..", "shared", "perf", "bench.lua")
# The harness' demo-server config (../shared/perf/run.sh writes the same), shared with
# scripts/http_instructions.sh.
CONFIG_PATH = os.path.join(HERE, "bench_config.json")
BASIC = "Basic YmVuY2gtY2xpZW50OmJlbmNoLXNlY3JldA=="


def cpu_seconds(pid):
    """User + system CPU seconds of process `pid` so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_listening(port, proc):
    for _ in range(200):
        if proc.poll() is not None:
            sys.exit(f"server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit("server did not start listening")


def token(port):
    body = b"grant_type=password&username=alice&password=wonderland&scope=read%20write"
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/oauth/token",
        data=body,
        headers={"Authorization": BASIC, "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.load(r)["access_token"]


def wrk(port, scenario, seconds, tok):
    path = "/protected" if scenario == "protected" else "/oauth/token"
    args = [scenario] + ([tok] if scenario == "protected" else [])
    out = subprocess.run(
        ["taskset", "-c", "1", "wrk", "-t1", "-c32", f"-d{seconds}s", "--timeout", "5s",
         "-s", BENCH_LUA, f"http://127.0.0.1:{port}{path}", "--", *args],
        capture_output=True, text=True, check=True,
    ).stdout
    line = next(l for l in out.splitlines() if l.startswith("WRKRESULT"))
    requests = int(re.search(r"requests=(\d+)", line).group(1))
    errors = sum(int(n) for n in re.findall(r"err_\w+=(\d+)", line))
    if errors:
        sys.exit(f"wrk saw {errors} errors: {line}")
    return requests


def run(binary, config_path, scenario, seconds, port=18290):
    """Server CPU microseconds per request of one loaded run of `binary`."""
    env = dict(os.environ, WORKERS="1", PORT=str(port))
    args = [] if os.path.basename(binary) == "bare" else [
        "--config", config_path, "--addr", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(
        ["taskset", "-c", "0", binary, *args],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_listening(port, proc)
        tok = token(port) if scenario == "protected" else None
        wrk(port, scenario, 1, tok)  # warm-up
        before = cpu_seconds(proc.pid)
        requests = wrk(port, scenario, seconds, tok)
        used = cpu_seconds(proc.pid) - before
        return used / requests * 1e6
    finally:
        proc.terminate()
        proc.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--scenario", default="cc", choices=["cc", "pw", "protected"])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--pairs", type=int, default=6)
    args = parser.parse_args()
    if not os.path.exists(BENCH_LUA):
        sys.exit(f"no {BENCH_LUA}")
    config_path = CONFIG_PATH
    ratios = []
    print("| pair | order | A us/req | B us/req | B/A |")
    print("|---:|---|---:|---:|---:|")
    for i in range(args.pairs):
        order = ("a", "b") if i % 2 == 0 else ("b", "a")
        got = {}
        for side in order:
            got[side] = run(getattr(args, side), config_path, args.scenario, args.seconds)
        ratio = got["b"] / got["a"]
        ratios.append(ratio)
        print(f"| {i + 1} | {''.join(order).upper()} | {got['a']:.2f} | {got['b']:.2f} | {ratio:.3f} |",
              flush=True)
    # As in ab_core.py: the geometric mean of alternating pairs cancels a constant advantage of
    # a pair's first or second run; the median resists outliers.
    print(f"\nB/A median {statistics.median(ratios):.3f}, geometric mean "
          f"{statistics.geometric_mean(ratios):.3f} (min {min(ratios):.3f}, "
          f"max {max(ratios):.3f}, {len(ratios)} pairs)")


if __name__ == "__main__":
    main()
