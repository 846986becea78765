"""The region cards' pure parts: names partners typed stay text inside the tables' markdown links, and
the status counts add up per group."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from dashboard.components.overview_region import _markdown_link, status_counts

HOSTILE = [
    "[click](javascript:alert(1))",
    "Dolj M001](https://evil.example) [x",
    "<img src=x onerror=alert(1)>",
    "**bold** _it_ `code` # heading | pipe ~ ! \\",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_typed_name_is_one_link_text_to_our_address(name):
    link = _markdown_link(name, "/partners/RO411-M001")
    assert link.endswith("](/partners/RO411-M001)")
    text = link[1 : -len("](/partners/RO411-M001)")]
    # No unescaped bracket or parenthesis can end the text or start another link.
    assert not re.search(r"(?<!\\)[\[\]()]", text)
    assert re.sub(r"\\(.)", r"\1", text) == name


def test_status_counts_add_up_per_group():
    progress = pd.DataFrame(
        {
            "county": ["Dolj", "Dolj", "Gorj", None],
            "status": ["on track", "behind", "no data", "on track"],
        }
    )
    counts = status_counts(progress, "county").set_index("county")
    assert counts.loc["Dolj", ["on_track", "behind", "no_data", "total"]].tolist() == [1, 1, 0, 2]
    assert counts.loc["Gorj", "no_data"] == 1
    assert counts["total"].sum() == len(progress)
