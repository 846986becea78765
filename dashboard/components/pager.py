"""Pages of a long list: in the URL (``page=N``): the range shown in words and links to the first,
previous, next and last pages, the page's other query keys kept. Lists of the region's hundreds of
bodies are shown a page at a time, never shipped whole to the browser."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from dash import dash_table, dcc, html

from i18n import _


def page_number(query: Mapping, key: str = "page") -> int:
    """The page the URL asks for (``page``, or ``key``), 1 when absent or not a whole number."""
    raw = query.get(key, "")
    raw = raw[-1] if isinstance(raw, list) and raw else raw
    text = str(raw or "").strip()
    return int(text) if text.isdigit() and 0 < len(text) < 7 and int(text) > 0 else 1


def page_bounds(page: int, total: int, size: int) -> tuple[int, int, int]:
    """(the page, clamped to the last one; the number of pages; the index of its first item)."""
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    return page, pages, (page - 1) * size


def pager(
    path: str,
    pairs: Sequence[tuple[str, str]],
    page: int,
    pages: int,
    summary: str,
    label: str,
    key: str = "page",
) -> html.Nav:
    """The pager of ``path`` whose other query keys are ``pairs``; ``summary`` says what is shown
    ("Instruments 21–40 of 505 (page 2 of 26)"), ``label`` names the navigation for screen readers;
    ``key`` is the query key of the page number (a page with two lists pages each by its own)."""
    links = [
        (_("First"), 1, page > 1),
        (_("Previous"), page - 1, page > 1),
        (_("Next"), page + 1, page < pages),
        (_("Last"), pages, page < pages),
    ]
    return _nav(path, pairs, key, links, summary, label)


def newer_older_pager(
    path: str,
    pairs: Sequence[tuple[str, str]],
    page: int,
    has_older: bool,
    summary: str,
    label: str,
    key: str,
) -> html.Nav:
    """The pager of a history read newest first whose length is not counted (counting every change
    of the region's values would cost more than reading a page of them): newest, newer, older."""
    links = [
        (_("Newest"), 1, page > 1),
        (_("Newer"), page - 1, page > 1),
        (_("Older"), page + 1, has_older),
    ]
    return _nav(path, pairs, key, links, summary, label)


def _nav(path, pairs, key, links, summary, label) -> html.Nav:
    def href(number: int) -> str:
        query = [*pairs, *([(key, str(number))] if number > 1 else [])]
        return path + ("?" + urlencode(query, safe=",") if query else "")

    return html.Nav(
        [
            html.Span(summary, className="me-3"),
            *[
                dcc.Link(text, href=href(number), className="btn btn-sm btn-outline-secondary me-1")
                if enabled
                else html.Span(text, className="btn btn-sm btn-outline-secondary disabled me-1")
                for text, number, enabled in links
            ],
        ],
        className="list-pager d-flex align-items-center flex-wrap mb-3",
        **{"aria-label": label},
    )


def paged_table(
    table_id: str | dict,
    columns: list[dict],
    rows: list[dict],
    page_size: int,
    style_table: dict | None = None,
    **options,
) -> dash_table.DataTable:
    """A sortable table in the pages' font, ``page_size`` rows at a time, paged in the browser (the
    rows are few enough to ship: a hundred or two); ``options`` add DataTable settings (filtering,
    markdown links, or ``page_action="custom"`` and ``sort_action="custom"`` for a table a callback
    fills a page at a time)."""
    options.setdefault("sort_action", "native")
    return dash_table.DataTable(
        id=table_id,
        columns=columns,
        data=rows,
        page_size=page_size,
        style_as_list_view=True,
        style_table={"overflowX": "auto", **(style_table or {})},
        style_cell={
            "textAlign": "left", "fontFamily": "var(--bs-body-font-family)", "fontSize": "0.875rem",
            "padding": "4px 8px", "whiteSpace": "normal", "height": "auto",
        },
        style_header={"fontWeight": "600"},
        **options,
    )  # fmt: skip
