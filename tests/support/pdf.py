"""Reading a PDF back as a reader and a printer would: its words with their boxes (poppler's
``pdftotext -bbox``), its page sizes, the named forms charts are drawn in and any images (pypdf)."""

from __future__ import annotations

import html
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(
    r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>'
)
# Operators that draw vector paths: rectangles, lines and curves, then filling or stroking them.
_PATH_OPERATORS = re.compile(rb"(?:^|\s)(?:re|l|c)\s[\s\S]*?(?:^|\s)(?:f|f\*|S|B|b)(?:\s|$)")


@dataclass(frozen=True)
class Word:
    page: int  # from 1
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


@dataclass(frozen=True)
class PageBox:
    width: float
    height: float


def words(content: bytes) -> tuple[list[PageBox], list[Word]]:
    """Every word of the PDF with its box (points, from the page's top left corner)."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.pdf"
        source.write_bytes(content)
        done = subprocess.run(
            ["pdftotext", "-bbox", str(source), "-"],
            capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
    pages, found = [], []
    for number, (width, height, body) in enumerate(_PAGE.findall(done.stdout), start=1):
        pages.append(PageBox(float(width), float(height)))
        for x_min, y_min, x_max, y_max, text in _WORD.findall(body):
            found.append(
                Word(number, html.unescape(text), float(x_min), float(y_min), float(x_max),
                     float(y_max))
            )  # fmt: skip
    return pages, found


def page_texts(content: bytes) -> list[str]:
    """Each page's words joined by spaces."""
    pages, found = words(content)
    return [
        " ".join(w.text for w in found if w.page == number) for number in range(1, len(pages) + 1)
    ]


def forms_and_images(content: bytes) -> tuple[dict[str, bytes], int]:
    """The named form XObjects used on the pages (name -> their drawing operators) and how many image
    XObjects the pages use."""
    reader = PdfReader(_stream(content))
    forms, images = {}, 0
    for page in reader.pages:
        objects = page.get("/Resources", {}).get("/XObject", {})
        for name, reference in objects.items():
            item = reference.get_object()
            if item.get("/Subtype") == "/Form":
                forms[name.lstrip("/")] = item.get_data()
            elif item.get("/Subtype") == "/Image":
                images += 1
    return forms, images


def draws_vectors(operators: bytes) -> bool:
    """Whether a content stream draws filled or stroked paths (a chart's bars, lines and ticks)."""
    return bool(_PATH_OPERATORS.search(operators))


def _stream(content: bytes):
    import io

    return io.BytesIO(content)
