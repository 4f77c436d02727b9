#!/usr/bin/env python3
"""Paired A/B timing of two builds of the `core` bench, for hosts too noisy for criterion.

    scripts/ab_core.py A_BIN B_BIN [--op client_credentials_token] [--ops 400000] [--pairs 6]

A_BIN and B_BIN are two builds of `cargo bench -p oauth2-server --bench core --no-run`
(target/release/deps/core-<hash>, copied aside between builds). Each pair runs both binaries
one after the other with `CORE_BENCH_LOOP=OPS CORE_BENCH_OP=OP`, pinned to one CPU, in
alternating order (AB, BA, AB, ...), and reads each process' CPU time (user + system) from
wait4's rusage. Printed: CPU per operation of every run, the B/A ratio of every pair, and the
median and geometric mean of the ratios. Noise that lasts longer than a pair (a busy neighbour for a minute) hits both
sides of it, which is why the ratio is steadier than either time.

The figures include the bench's setup (building the server, a few milliseconds): negligible
at the default 400,000 operations.

Give each run more than 2 s of work (the lifetime of the bench's tokens and codes) when the
store's steady state matters: a shorter run never sweeps and measures a growing store. Stop 15
used 2,500,000 client_credentials tokens, 1,500,000 password tokens, 500,000 code flows.
"""

import argparse
import os
import statistics
import subprocess
import sys


def cpu_per_op(binary, op, ops, cpu):
    """CPU seconds per operation of one run of `binary`."""
    env = dict(os.environ, CORE_BENCH_LOOP=str(ops), CORE_BENCH_OP=op)
    proc = subprocess.Popen(["taskset", "-c", str(cpu), binary], env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{binary} failed with status {status}")
    return (usage.ru_utime + usage.ru_stime) / ops


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--op", default="client_credentials_token")
    parser.add_argument("--ops", type=int, default=400_000)
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--cpu", type=int, default=1)
    args = parser.parse_args()
    for binary in (args.a, args.b):
        if not os.access(binary, os.X_OK):
            sys.exit(f"not an executable: {binary}")

    print(f"| pair | order | A us/op | B us/op | B/A |  ({args.op}, {args.ops} ops, CPU {args.cpu})")
    print("|---:|---|---:|---:|---:|")
    ratios = []
    for pair in range(args.pairs):
        order = ("a", "b") if pair % 2 == 0 else ("b", "a")
        times = {}
        for side in order:
            times[side] = cpu_per_op(getattr(args, side), args.op, args.ops, args.cpu)
        ratio = times["b"] / times["a"]
        ratios.append(ratio)
        print(
            f"| {pair + 1} | {''.join(order).upper()} | {times['a'] * 1e6:.3f} "
            f"| {times['b'] * 1e6:.3f} | {ratio:.3f} |"
        )
    # The geometric mean of an even number of alternating pairs cancels a constant advantage
    # of the first or second run of a pair (seen on some hosts); the median resists outliers.
    print(
        f"\nB/A median {statistics.median(ratios):.3f}, geometric mean "
        f"{statistics.geometric_mean(ratios):.3f} "
        f"(min {min(ratios):.3f}, max {max(ratios):.3f}, {len(ratios)} pairs)"
    )


if __name__ == "__main__":
    main()
