"""Small server-side SVG charts for the analytics page: no JavaScript, no CDN, nothing inline to allow in CSP.

Only presentation attributes are used (the console's CSP forbids style attributes); every label is
escaped, so a chart is safe to mark up as HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from markupsafe import Markup

BAR = "#2f5d8a"
CRISIS = "#b42318"
# how a value is written on a chart; the console passes its reader's (bot.console.numbers: "2,5" in Latvian)
Numbers = Callable[[float], str]


def _plain(value: float) -> str:
    return f"{value:g}"


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    label = escape(title)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{label}" class="chart"><title>{label}</title>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - built from escaped parts only


def bar_chart(
    points: Sequence[tuple[str, float]],
    *,
    title: str,
    color: str = BAR,
    width: int = 720,
    height: int = 180,
    number: Numbers = _plain,
) -> Markup:
    """Vertical bars (one per day); first and last labels under the axis, the peak value above."""
    left, bottom, top = 36, 22, 14
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max((v for _, v in points), default=0) or 1
    step = plot_w / max(len(points), 1)
    axis = 'font-size="10" text-anchor="end" fill="#667085"'
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" stroke="#c5cbd3"/>',
        f'<text x="{left - 4}" y="{top + 4}" {axis}>{escape(number(peak))}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" {axis}>0</text>',
    ]
    for i, (label, value) in enumerate(points):
        h = plot_h * value / peak
        x = left + i * step + step * 0.1
        body.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{max(step * 0.8, 1):.1f}" height="{h:.1f}" '
            f'fill="{color}"><title>{escape(label)}: {escape(number(value))}</title></rect>'
        )
    for i in {0, len(points) - 1} if points else set():
        anchor = "start" if i == 0 else "end"
        x = left + (i * step if i == 0 else (i + 1) * step)
        body.append(
            f'<text x="{x:.1f}" y="{height - 6}" font-size="10" text-anchor="{anchor}" fill="#667085">'
            f"{escape(points[i][0])}</text>"
        )
    return _svg(width, height, title, body)


def hbar_chart(
    points: Sequence[tuple[str, float]],
    *,
    title: str,
    color: str = BAR,
    width: int = 720,
    row: int = 18,
    number: Numbers = _plain,
) -> Markup:
    """Horizontal bars with their labels (top intents)."""
    label_w = 170
    height = max(row * len(points), row) + 8
    peak = max((v for _, v in points), default=0) or 1
    body = []
    for i, (label, value) in enumerate(points):
        y = 4 + i * row
        w = (width - label_w - 60) * value / peak
        body.append(
            f'<text x="{label_w - 6}" y="{y + row * 0.7:.1f}" font-size="11" text-anchor="end" '
            f'fill="#1d2330">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row - 5}" fill="{color}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + row * 0.7:.1f}" font-size="11" fill="#667085">'
            f"{escape(number(value))}</text>"
        )
    return _svg(width, height, title, body)
