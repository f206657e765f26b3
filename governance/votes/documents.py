"""The result's bar chart, drawn on the server as SVG (no JavaScript): one bar per
choice, the length proportional to the votes, the figures written beside each bar, a
title and description for screen readers."""
from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup, escape

COLOURS = {"yes": "#146c43", "no": "#b02a37", "abstain": "#495057"}


def result_chart(yes: int, no: int, abstain: int, present: int) -> Markup:
    rows = [("yes", _("Yes"), yes), ("no", _("No"), no), ("abstain", _("Abstain"), abstain)]
    base = max(present, yes + no + abstain, 1)
    width, bar_x, bar_max, row_h = 320, 80, 170, 34
    height = row_h * len(rows) + 10
    title = _("Result: %(yes)d yes, %(no)d no, %(abstain)d abstaining of %(present)d present",
              yes=yes, no=no, abstain=abstain, present=present)
    parts = [f'<svg class="vote-chart" role="img" aria-labelledby="vote-chart-title" viewBox="0 0 {width} {height}" '
             f'width="100%" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="vote-chart-title">{escape(title)}</title>']
    for index, (code, label, value) in enumerate(rows):
        y = 5 + index * row_h
        length = round(bar_max * value / base, 1)
        parts.append(f'<text x="0" y="{y + 20}" font-size="13" fill="#212529">{escape(label)}</text>')
        parts.append(f'<rect class="bar-{code}" x="{bar_x}" y="{y + 6}" width="{length}" height="20" '
                     f'fill="{COLOURS[code]}"/>')
        parts.append(f'<text x="{bar_x + length + 6}" y="{y + 20}" font-size="13" fill="#212529">{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
