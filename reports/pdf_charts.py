"""A ``BarChart`` (reports/charts.py) drawn with ReportLab's vector graphics, as a flowable that puts the
drawing into a named PDF form (``/FormXob.chart-<key>``): lines, rectangles and text, never a picture,
so it prints sharp, cannot come out blank, and tests can find every chart by its name."""

from __future__ import annotations

import math

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from reports.charts import BarChart
from reports.fonts import BOLD, REGULAR
from rules.formatting import format_number, format_percent

TICK_SIZE = 8
TEXT_SIZE = 7.5
LEGEND_SIZE = 8
AXIS_TITLE_SIZE = 8
INK = colors.HexColor("#212529")
GRID = colors.HexColor("#D9DEE3")
DASHES = {"dot": (1.5, 2), "dash": (5, 3)}


def _nice_step(maximum: float, integer: bool, wanted: int = 6) -> float:
    raw = max(maximum, 1e-9) / wanted
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return max(1.0, round(step)) if integer else step


def _ink_on(hex_colour: str) -> colors.Color:
    """Black or white, whichever reads better on ``hex_colour``."""
    colour = colors.HexColor(hex_colour)
    luminance = 0.2126 * colour.red + 0.7152 * colour.green + 0.0722 * colour.blue
    return colors.black if luminance > 0.45 else colors.white


def chart_drawing(chart: BarChart, width: float) -> Drawing:
    """The chart ``width`` points wide, as tall as its categories need."""
    grouped = not chart.stacked
    bars_per_band = len(chart.series) if grouped else 1
    bar = 10.0 if grouped else 16.0
    band = bars_per_band * bar + 8
    label_width = min(
        width * 0.32,
        max((stringWidth(c, REGULAR, TICK_SIZE) for c in chart.categories), default=0) + 6,
    )
    label_lines = [simpleSplit(c, REGULAR, TICK_SIZE, label_width - 6) for c in chart.categories]
    band = max(band, max((len(lines) for lines in label_lines), default=1) * (TICK_SIZE + 2) + 4)

    legend_items = [(s.name, s.colour, "bar") for s in chart.series if s.name] + [
        (m.name, m.colour, "mark") for m in chart.marks
    ]
    legend_rows, row, used = [], [], 0.0
    for item in legend_items:
        item_width = stringWidth(item[0], REGULAR, LEGEND_SIZE) + 22
        if row and used + item_width > width:
            legend_rows.append(row)
            row, used = [], 0.0
        row.append(item)
        used += item_width
    if row:
        legend_rows.append(row)
    levels = max((line.level for line in chart.lines), default=-1) + 1
    top = len(legend_rows) * 13 + levels * 11 + 6
    bottom = 30
    plot_height = band * len(chart.categories)
    height = top + plot_height + bottom
    drawing = Drawing(width, height)
    left, right = label_width, width - 34
    plot_width = right - left
    scale = plot_width / chart.axis_max
    plot_top = height - top
    plot_bottom = bottom

    # Grid and axis ticks.
    step = _nice_step(chart.axis_max, chart.integer_axis)
    tick = 0.0
    while tick <= chart.axis_max + 1e-9:
        x = left + tick * scale
        drawing.add(Line(x, plot_bottom, x, plot_top, strokeColor=GRID, strokeWidth=0.5))
        text = format_percent(tick, decimals=0) if chart.percent_axis else format_number(tick)
        drawing.add(
            String(x, plot_bottom - 10, text, fontName=REGULAR, fontSize=TICK_SIZE,
                   fillColor=INK, textAnchor="middle")
        )  # fmt: skip
        tick += step
    drawing.add(Line(left, plot_bottom, left, plot_top, strokeColor=INK, strokeWidth=0.8))
    drawing.add(
        String(left + plot_width / 2, 4, chart.axis_title, fontName=REGULAR,
               fontSize=AXIS_TITLE_SIZE, fillColor=INK, textAnchor="middle")
    )  # fmt: skip

    # Category labels and bars, first category on top.
    for index, lines in enumerate(label_lines):
        band_top = plot_top - index * band
        centre = band_top - band / 2
        first = centre + (len(lines) - 1) * (TICK_SIZE + 2) / 2 - TICK_SIZE / 3
        for number, text in enumerate(lines):
            drawing.add(
                String(left - 5, first - number * (TICK_SIZE + 2), text, fontName=REGULAR,
                       fontSize=TICK_SIZE, fillColor=INK, textAnchor="end")
            )  # fmt: skip
        start = 0.0
        for position, series in enumerate(chart.series):
            value = series.values[index]
            if value is None:
                if grouped and series.texts and series.texts[index]:
                    y = band_top - 4 - (position + 1) * bar
                    drawing.add(
                        String(left + 3, y + bar / 2 - TEXT_SIZE / 3, series.texts[index],
                               fontName=REGULAR, fontSize=TEXT_SIZE, fillColor=INK)
                    )  # fmt: skip
                continue
            colour = series.colours[index] if series.colours else series.colour
            if grouped:
                y = band_top - 4 - (position + 1) * bar
                x0, length = left, value * scale
            else:
                y = centre - bar / 2
                x0, length = left + start * scale, value * scale
                start += value
            drawing.add(
                Rect(x0, y + 1, max(length, 0.5), bar - 2, fillColor=colors.HexColor(colour),
                     strokeColor=None)
            )  # fmt: skip
            text = series.texts[index] if series.texts else ""
            if not text:
                continue
            if grouped:
                drawing.add(
                    String(x0 + length + 3, y + bar / 2 - TEXT_SIZE / 3, text, fontName=REGULAR,
                           fontSize=TEXT_SIZE, fillColor=INK)
                )  # fmt: skip
            elif stringWidth(text, BOLD, TEXT_SIZE) + 4 <= length:
                drawing.add(
                    String(x0 + length / 2, y + bar / 2 - TEXT_SIZE / 3, text, fontName=BOLD,
                           fontSize=TEXT_SIZE, fillColor=_ink_on(colour), textAnchor="middle")
                )  # fmt: skip
        for marks in chart.marks:
            value = marks.values[index]
            if value is None:
                continue
            x = left + value * scale
            drawing.add(
                Line(x, band_top - 2, x, band_top - band + 2,
                     strokeColor=colors.HexColor(marks.colour), strokeWidth=2.2)
            )  # fmt: skip

    # Reference lines, their labels stacked above the plot by level.
    for line in chart.lines:
        x = left + line.value * scale
        drawing.add(
            Line(x, plot_bottom, x, plot_top, strokeColor=colors.HexColor(line.colour),
                 strokeWidth=1.1, strokeDashArray=DASHES.get(line.dash))
        )  # fmt: skip
        label_y = plot_top + 3 + line.level * 11
        label_width_needed = stringWidth(line.label, REGULAR, TEXT_SIZE)
        anchor = "end" if x + label_width_needed / 2 > width else "middle"
        if anchor == "middle" and x - label_width_needed / 2 < 0:
            anchor = "start"
        drawing.add(
            String(x, label_y, line.label, fontName=REGULAR, fontSize=TEXT_SIZE,
                   fillColor=colors.HexColor(line.colour), textAnchor=anchor)
        )  # fmt: skip

    # Legend on top.
    for number, items in enumerate(legend_rows):
        y = height - 11 - number * 13
        x = 0.0
        for name, colour, kind in items:
            if kind == "bar":
                drawing.add(Rect(x, y, 10, 8, fillColor=colors.HexColor(colour), strokeColor=None))
            else:
                drawing.add(
                    Line(x + 5, y - 1, x + 5, y + 9, strokeColor=colors.HexColor(colour),
                         strokeWidth=2.2)
                )  # fmt: skip
            drawing.add(
                String(x + 14, y + 1, name, fontName=REGULAR, fontSize=LEGEND_SIZE, fillColor=INK)
            )
            x += stringWidth(name, REGULAR, LEGEND_SIZE) + 22
    return drawing


class VectorChart(Flowable):
    """Draws ``drawing`` through a PDF form named ``chart-<key>`` (vector, findable by tests)."""

    def __init__(self, drawing: Drawing, key: str, max_height: float | None = None):
        """``max_height``: a taller drawing (a row per body of hundreds) is scaled down to it, still as
        vectors, rather than being too tall for any page."""
        super().__init__()
        self.drawing, self.form_name = drawing, f"chart-{key}"
        self.scale = 1.0
        if max_height and drawing.height > max_height:
            self.scale = max_height / drawing.height
        self.width, self.height = drawing.width * self.scale, drawing.height * self.scale

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        if not canvas.hasForm(self.form_name):
            canvas.beginForm(self.form_name, 0, 0, self.drawing.width, self.drawing.height)
            renderPDF.draw(self.drawing, canvas, 0, 0)
            canvas.endForm()
        canvas.saveState()
        canvas.scale(self.scale, self.scale)
        canvas.doForm(self.form_name)
        canvas.restoreState()
