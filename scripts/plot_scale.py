#!/usr/bin/env python3
"""Plots the scale bench's curve as an SVG, with no dependency beyond Python 3.

    SCALE_MAX=7 cargo bench -p oauth2-server --bench scale | tee target/scale.md
    python3 scripts/plot_scale.py target/scale.md docs/scale.svg "at <commit>, <date>"

Reads the bench's markdown rows (`| live tokens | RSS growth B/token | hot: CPU ns/op (wall) |
random: CPU ns/op (wall) | RSS MiB | fill s |`) and draws two panels against the number of
live tokens (log scale): authenticate CPU time per operation (hot and random token, with the
issue's band of +-20 % around the smallest store's hot figure), and RSS growth per live token
(with the issue's 200-byte line).
"""

import math
import re
import sys

ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\(\d+\)\s*\|\s*(\d+)\s*\(\d+\)\s*\|")


def read_rows(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = ROW.match(line.strip())
            if m:
                n, bytes_per, hot, random = (int(g) for g in m.groups())
                rows.append((n, bytes_per, hot, random))
    if len(rows) < 2:
        sys.exit(f"{path}: fewer than two table rows of the scale bench")
    return sorted(rows)


W, H = 420, 300  # one panel
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 40, 50


def panel(x0, title, xs, series, y_max, y_label, guides):
    """One panel's SVG: `series` is [(label, colour, ys)], `guides` [(y, label, dashed)]."""
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM
    lo, hi = math.log10(xs[0]), math.log10(xs[-1])

    def px(x):
        return x0 + LEFT + (math.log10(x) - lo) / (hi - lo) * pw

    def py(y):
        return TOP + ph - y / y_max * ph

    out = [
        f'<text x="{x0 + W / 2}" y="22" text-anchor="middle" font-weight="bold">{title}</text>',
        f'<rect x="{x0 + LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="#888"/>',
    ]
    step = 10 ** math.floor(math.log10(y_max / 2))
    step *= 2 if y_max / step > 8 else 1
    y = 0
    while y <= y_max:
        out.append(f'<line x1="{x0 + LEFT}" x2="{x0 + LEFT + pw}" y1="{py(y)}" y2="{py(y)}" stroke="#eee"/>')
        out.append(f'<text x="{x0 + LEFT - 6}" y="{py(y) + 4}" text-anchor="end">{y:g}</text>')
        y += step
    for x in xs:
        out.append(f'<text x="{px(x)}" y="{TOP + ph + 16}" text-anchor="middle">10^{round(math.log10(x))}</text>')
    out.append(f'<text x="{x0 + LEFT + pw / 2}" y="{H - 10}" text-anchor="middle">live access tokens</text>')
    out.append(
        f'<text x="{x0 + 14}" y="{TOP + ph / 2}" text-anchor="middle" '
        f'transform="rotate(-90 {x0 + 14} {TOP + ph / 2})">{y_label}</text>'
    )
    for y, label, dashed in guides:
        dash = ' stroke-dasharray="5,4"' if dashed else ""
        out.append(f'<line x1="{x0 + LEFT}" x2="{x0 + LEFT + pw}" y1="{py(y)}" y2="{py(y)}" stroke="#c33"{dash}/>')
        if label:
            out.append(f'<text x="{x0 + LEFT + pw - 4}" y="{py(y) - 4}" text-anchor="end" fill="#c33">{label}</text>')
    for i, (label, colour, ys) in enumerate(series):
        points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs, ys))
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in zip(xs, ys):
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>')
        ly = TOP + 14 + 16 * i
        out.append(f'<line x1="{x0 + LEFT + 8}" x2="{x0 + LEFT + 28}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{x0 + LEFT + 32}" y="{ly}">{label}</text>')
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    rows = read_rows(sys.argv[1])
    caption = sys.argv[3] if len(sys.argv) > 3 else ""
    xs = [r[0] for r in rows]
    hot, random, per_token = [r[2] for r in rows], [r[3] for r in rows], [r[1] for r in rows]
    base = hot[0]
    time_max = max(max(random), base * 1.2) * 1.15
    bytes_max = max(max(per_token), 200) * 1.15
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W}" height="{H + 20}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect width="{2 * W}" height="{H + 20}" fill="white"/>',
    ]
    svg += panel(
        0,
        "authenticate, MemoryStore, one thread",
        xs,
        [("hot token", "#1f77b4", hot), ("random tokens", "#ff7f0e", random)],
        time_max,
        "CPU ns per operation",
        [(base * 1.2, "hot at 10^3 +- 20 %", True), (base * 0.8, "", True)],
    )
    svg += panel(
        W,
        "memory per live access token",
        xs,
        [("RSS growth / token", "#2ca02c", per_token)],
        bytes_max,
        "bytes per token",
        [(200, "target: 200 B", False)],
    )
    if caption:
        svg.append(f'<text x="{W}" y="{H + 12}" text-anchor="middle" fill="#555">{caption}</text>')
    svg.append("</svg>")
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
