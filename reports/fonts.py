"""The report's font: DejaVu Sans, which has every letter the partners' languages write (ș ț ă î â,
č ć đ š ž, ā ē ī ū ķ ļ ņ, œ é è ç, ł). ReportLab's built-in Helvetica has none of ș ț ā č ł, so the
font is registered from Debian's fonts-dejavu-core (the Makefile installs it), found wherever the
system keeps it."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from i18n import _

REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}
FONT_DIRECTORIES = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
    Path("/usr/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)


class FontMissing(RuntimeError):
    """DejaVu Sans is not installed; the message says how to install it."""


def _fontconfig(family: str) -> Path | None:
    """Where fontconfig (when installed) says the family's file is."""
    if shutil.which("fc-match") is None:
        return None
    try:
        found = subprocess.run(
            ["fc-match", "--format=%{file}", family],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(found) if found else None


def find_font(filename: str, family: str) -> Path | None:
    """The path of ``filename`` in the usual font folders (searched recursively), else fontconfig's."""
    for folder in FONT_DIRECTORIES:
        direct = folder / filename
        if direct.is_file():
            return direct
    for folder in FONT_DIRECTORIES:
        if folder.is_dir():
            match = next(folder.rglob(filename), None)
            if match is not None:
                return match
    found = _fontconfig(family)
    return found if found is not None and found.name == filename else None


@functools.cache
def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans (regular and bold) with ReportLab once; returns their names. Raises
    FontMissing with one sentence when the files cannot be found."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    paths = {
        name: find_font(filename, "DejaVu Sans:bold" if name == BOLD else "DejaVu Sans")
        for name, filename in FILES.items()
    }
    missing = [FILES[name] for name, path in paths.items() if path is None]
    if missing:
        raise FontMissing(
            _(
                "The PDF report needs the DejaVu Sans font ({files}), which was not found: install "
                "Debian's fonts-dejavu-core (apt-get install fonts-dejavu-core, or make system-deps)."
            ).format(files=", ".join(missing))
        )
    for name, path in paths.items():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR, BOLD
