"""How `tiegraph backtest` and `tiegraph tune` show their figures: terminal tables and an SVG.

Both read the JSON of `ingest.backtest` (`period_json`), so what a terminal shows, what a
machine reads and what the picture draws are the same numbers. The SVG is written by hand: two
bar charts need no plotting library.
"""

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from rich.table import Table

Period = dict[str, Any]
RANKINGS = ("score", "interactions_90d", "days_since_last", "lifetime_count", "decayed_count_90d")


def _figure(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:.1%}" if percent else f"{value:.3f}"


def rankings_table(title: str, periods: Sequence[tuple[str, Period]]) -> Table:
    """AUC and precision at the top 10% of the score and every baseline, one column pair per
    period (for a tune: the current and the proposed profile)."""
    table = Table(title=title)
    table.add_column("ranking", no_wrap=True)
    for name, _ in periods:
        table.add_column(f"AUC {name}", justify="right")
        table.add_column(f"top 10% {name}", justify="right")
    for ranking in RANKINGS:
        cells = []
        for _, period in periods:
            top = period["precision_at_top_10pct"].get(ranking)
            cells += [_figure(period["auc"].get(ranking)), _figure(top, percent=True)]
        table.add_row(ranking, *cells)
    return table


def calibration_table(title: str, periods: Sequence[tuple[str, Period]]) -> Table:
    """Per label: ties that carried it, and the share of them active after the horizon."""
    table = Table(title=title)
    table.add_column("label")
    for name, _ in periods:
        table.add_column(f"ties {name}", justify="right")
        table.add_column(f"active {name}", justify="right")
    for row, label in enumerate(c["label"] for c in periods[0][1]["calibration"]):
        cells = []
        for _, period in periods:
            entry = period["calibration"][row]
            cells += [f"{entry['ties']:,}", _figure(entry["share_active"], percent=True)]
        table.add_row(label, *cells)
    return table


_WIDTH, _HEIGHT, _PAD, _TOP = 380, 250, 40, 56
_COLOURS = ("#1f6feb", "#d4a72c", "#8c959f")


def _axis(x0: int) -> list[str]:
    """The baseline and 0/50/100% marks of a chart whose bars are shares."""
    bottom, left, right = _HEIGHT - _PAD, x0 + _PAD, x0 + _WIDTH - _PAD // 2
    parts = [f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#333"/>']
    for share in (0.5, 1.0):
        y = bottom - share * (bottom - _TOP)
        parts += [f'<line x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="#ddd"/>',
                  f'<text x="{left - 4}" y="{y + 3}" text-anchor="end" font-size="9">'
                  f"{share:.0%}</text>"]  # fmt: skip
    return parts


def _bars(x0: int, title: str, groups: list[str], series: list[tuple[str, list[float]]]) -> str:
    """One bar chart: `groups` along the axis, one bar per series in each, heights 0-1."""
    bottom = _HEIGHT - _PAD
    slot = (_WIDTH - 1.5 * _PAD) / max(len(groups), 1)
    bar = slot * 0.8 / max(len(series), 1)
    parts = [f'<text x="{x0 + _WIDTH / 2}" y="18" text-anchor="middle">{escape(title)}</text>',
             *_axis(x0)]  # fmt: skip
    for g, group in enumerate(groups):
        gx = x0 + _PAD + g * slot
        parts.append(f'<text x="{gx + slot / 2:.1f}" y="{bottom + 14}" '
                     f'text-anchor="middle" font-size="9">{escape(group)}</text>')  # fmt: skip
        for s, (_, values) in enumerate(series):
            h = max(values[g], 0.0) * (bottom - _TOP)
            x, y = gx + slot * 0.1 + s * bar, bottom - h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                         f'fill="{_COLOURS[s % 3]}"/>')  # fmt: skip
    for s, (name, _) in enumerate(series):
        parts.append(f'<rect x="{x0 + _PAD + 120 * s}" y="28" width="9" height="9" '
                     f'fill="{_COLOURS[s % 3]}"/><text x="{x0 + _PAD + 12 + 120 * s}" y="36" '
                     f'font-size="10">{escape(name)}</text>')  # fmt: skip
    return "\n".join(parts)


def _shares(counts: list[int]) -> list[float]:
    total = sum(counts)
    return [n / total if total else 0.0 for n in counts]


def picture(periods: Sequence[tuple[str, Period]]) -> str:
    """An SVG: left, the share of ties active after the horizon per label (calibration);
    right, how the scores of active and of inactive ties spread over the scale."""
    labels = [c["label"] for c in periods[0][1]["calibration"]]
    calibration = [(name, [c["share_active"] or 0.0 for c in p["calibration"]])
                   for name, p in periods]  # fmt: skip
    first = periods[-1][1]["score_histogram"]
    step = int(first["bin"])
    bins = [f"{lo}" for lo in range(0, 100, step)]
    spread = [(f"active ({periods[-1][0]})", _shares(first["active"])),
              (f"inactive ({periods[-1][0]})", _shares(first["inactive"]))]  # fmt: skip
    body = (_bars(0, "share active after the horizon, by label", labels, calibration) + "\n"
            + _bars(_WIDTH, "score distribution (share per 10 points)", bins, spread))  # fmt: skip
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * _WIDTH}" height="{_HEIGHT}" '
            f'font-family="sans-serif" font-size="11">\n'
            f'<rect width="100%" height="100%" fill="white"/>\n{body}\n</svg>\n')  # fmt: skip
