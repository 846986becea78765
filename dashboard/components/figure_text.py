"""Text that people typed, made safe to put in a plotly figure.

Plotly draws every text it renders into a figure (legend entries, axis titles, tick and category labels,
hover labels, annotations, bar text) from a subset of HTML: ``<a href>`` becomes a link, ``<span
style>`` restyles, ``<br>`` breaks the line, and HTML entities are decoded first. Before that, in a
``hovertemplate`` or ``texttemplate``, every ``%{...}`` is replaced by a value, and with MathJax loaded
a text between two ``$`` is typeset as TeX. A partner short name, an indicator unit or a period label
therefore goes through ``figure_text`` on its way into a figure, and the reader sees exactly what was
typed. Tables and html components need nothing: React shows their text as text.

Only the figure builders escape (dashboard/components/charts.py), never the queries, so the same
DataFrames feed tables and CSV downloads unchanged.
"""

from __future__ import annotations

import html

# Numeric entities: plotly decodes those and only a few named ones (amp, lt, gt, nbsp, mu, times,
# plusmn, deg), so "&quot;" would be shown as typed; quotes are harmless once "<" is escaped.
_TEMPLATE_AND_TEX = str.maketrans({"{": "&#123;", "$": "&#36;"})


def figure_text(value: object) -> str:
    """``value`` as plotly text that shows literally: ``&``, ``<`` and ``>`` as entities, ``{`` so
    that no ``%{...}`` template field can form, ``$`` so that no TeX can. Escape once, at the figure
    builder: ``figure_text("R&D")`` is ``"R&amp;D"``, which plotly shows as "R&D"."""
    return html.escape(str(value), quote=False).translate(_TEMPLATE_AND_TEX)
