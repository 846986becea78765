"""A seeded mutator over workbooks the factory writes: truncated files, flipped bits, missing members,
damaged XML. Whatever the damage, reading, finding the table and checking the rows give a value or an
UnreadableFile (the "unreadable" outcome), never another exception.

Seeded, so a failure names the seed and mutation that reproduce it; bounded (a few hundred files, a few
seconds), so it runs with the unit tests.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from datetime import date

import pytest

from importers.layout import extract
from importers.reading import UnreadableFile, read_workbook
from importers.validation import (
    IndicatorInfo,
    PartnerInfo,
    PeriodInfo,
    Reference,
    validate_observations,
)
from models import period_specs
from rules.cells import fold
from tests.factories import workbooks

LIMIT = 2 * 1024 * 1024
MUTANTS_PER_CASE = 12
ROWS = [
    ("Partner", "Indicator", "Name", "Period", "Value", "Comment"),
    ("SMILTENE", "ESU-SERVICES", "E-services", "P1", 12.5, "new portal"),
    ("SMILTENE", None, None, "P2", "1 234,5", None),
    ("SMILTENE", "DSK-BASIC", "Basic skills", "01.03.2024", 0.45, None),
    ("TOTAL", None, None, None, 99, None),
]


def _bases() -> dict[str, tuple[bytes, str]]:
    wide = [("Code", "P1", "P2", "Comment"), ("ESU-SERVICES", 3, 4, "x"), ("Total", 3, 4, None)]
    return {
        "xlsx": (
            workbooks.xlsx(
                ROWS[1:], ROWS[0], title_rows=("Partner: SMILTENE",), header_row=2,
                percent_cells=["E5"], merge=["B3:B4"],
                extra_sheets={"Wide": wide, "Policy changes": [("Change id", "Stage")]},
            ),
            "report.xlsx",
        ),
        "xlsx-by-hand": (
            workbooks.ooxml_xlsx(
                {"Raport": ROWS}, parts={"workbook": "excel/book.xml"}, percent_cells={"Raport": {(3, 4)}}
            ),
            "report.xlsx",
        ),
        "ods": (
            workbooks.ods({"Rapport": ROWS, "Wide": wide}, {"Rapport": {(3, 4)}}, merged={"Rapport": [(1, 1, 2, 1)]}),
            "rapport.ods",
        ),
        "xls": (workbooks.xls(ROWS, merged=[(1, 1, 2, 1)]), "old.xls"),
        "xlsb": (workbooks.xlsb({"Indicators": ROWS, "Wide": wide}), "report.xlsb"),
        "csv": (workbooks.csv_bytes(ROWS, encoding="cp1257"), "report.csv"),
    }  # fmt: skip


BASES = _bases()


def _truncate(content: bytes, rng: random.Random) -> bytes:
    return content[: rng.randrange(1, len(content))]


def _flip_bits(content: bytes, rng: random.Random) -> bytes:
    data = bytearray(content)
    for _ in range(rng.randint(1, 24)):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def _overwrite_run(content: bytes, rng: random.Random) -> bytes:
    data = bytearray(content)
    start = rng.randrange(len(data))
    run = bytes(rng.choice(b"\x00\xff<>&\"';,\n9") for _ in range(rng.randint(1, 64)))
    data[start : start + len(run)] = run
    return bytes(data)


def _members(content: bytes) -> zipfile.ZipFile | None:
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        return None


def _rebuilt(source: zipfile.ZipFile, change: Callable[[str, bytes], bytes | None]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = change(item.filename, source.read(item.filename))
            if data is not None:
                target.writestr(item.filename, data)
    return buffer.getvalue()


def _remove_member(content: bytes, rng: random.Random) -> bytes:
    source = _members(content)
    if source is None:
        return _truncate(content, rng)
    victim = rng.choice(source.namelist())
    return _rebuilt(source, lambda name, data: None if name == victim else data)


def _damage_xml(content: bytes, rng: random.Random) -> bytes:
    source = _members(content)
    if source is None:
        return _overwrite_run(content, rng)
    victim = rng.choice(
        [name for name in source.namelist() if name.endswith((".xml", ".rels", ".bin"))]
    )

    def damage(name: str, data: bytes) -> bytes:
        if name != victim or not data:
            return data
        cut = rng.randrange(len(data))
        how = rng.randrange(5)
        if how == 0:  # cut off
            return data[:cut]
        if how == 1:  # an unclosed tag or entity
            return (
                data[:cut]
                + rng.choice([b"<", b"&", b"&bogus;", b"</x>", b"<!DOCTYPE x>"])
                + data[cut:]
            )
        if how == 2:  # a number attribute that is no number
            return data.replace(b'="1"', b'="-1x"').replace(b'r="', b'r="ZZZZ', 1)
        if how == 3:  # a chunk repeated
            return data[:cut] + data[cut : cut + 200] * 3 + data[cut:]
        return bytes(byte ^ 0x20 if index % 7 == 0 else byte for index, byte in enumerate(data))

    return _rebuilt(source, damage)


MUTATIONS = {
    "truncate": _truncate,
    "flip-bits": _flip_bits,
    "overwrite": _overwrite_run,
    "remove-member": _remove_member,
    "damage-xml": _damage_xml,
}


def _reference() -> Reference:
    specs = period_specs(date(2023, 3, 1))
    periods = [PeriodInfo(s.number, s.number, s.label, s.start_date, s.end_date) for s in specs]
    indicators = {}
    for number, (code, name, kind) in enumerate(
        [("ESU-SERVICES", "E-services", "count"), ("DSK-BASIC", "Basic skills", "percentage")], 1
    ):
        info = IndicatorInfo(number, code, name, kind, "sum")
        indicators[fold(code)], indicators[fold(name)] = info, info
    smiltene = PartnerInfo(1, "SMILTENE", "Smiltene Municipality")
    redea = PartnerInfo(2, "REDEA", "REDEA")
    partners = {"smiltene": smiltene, "smiltene municipality": smiltene, "redea": redea}
    return Reference(indicators, partners, periods)


REFERENCE = _reference()


def _outcome(content: bytes, filename: str) -> str:
    """ "unreadable", "rejected" or "readable": what an import of ``content`` would say. Any other
    exception fails the test."""
    try:
        book = read_workbook(content, filename, LIMIT)
    except UnreadableFile as refusal:
        assert refusal.issue.is_error and refusal.issue.message
        return "unreadable"
    extraction = extract(book, REFERENCE.periods)
    check = validate_observations(
        extraction.iter_observations(), REFERENCE, "SMILTENE", extraction.has_partner_column,
        extraction.partner_mentions,
    )  # fmt: skip
    for issue in [*book.notes, *extraction.issues, *check.issues]:
        assert issue.message  # every problem renders its sentence
    errors = any(issue.is_error for issue in [*extraction.issues, *check.issues])
    return "rejected" if errors else "readable"


@pytest.mark.parametrize("base", sorted(BASES))
def test_the_undamaged_files_are_read(base):
    content, filename = BASES[base]
    assert _outcome(content, filename) in ("readable", "rejected")


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@pytest.mark.parametrize("base", sorted(BASES))
def test_a_damaged_file_is_read_or_refused_never_a_crash(base, mutation):
    content, filename = BASES[base]
    outcomes = set()
    for seed in range(MUTANTS_PER_CASE):
        rng = random.Random(f"{base}/{mutation}/{seed}")
        mutant = MUTATIONS[mutation](content, rng)
        try:
            outcomes.add(_outcome(mutant, filename))
        except Exception as problem:  # noqa: BLE001 - the point: name the seed that reproduces it
            raise AssertionError(
                f"{base}/{mutation}/{seed}: {type(problem).__name__}: {problem}"
            ) from problem
    assert outcomes <= {"unreadable", "rejected", "readable"}
