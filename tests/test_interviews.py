"""The coded interviews: code matrix through disclosure control, and quotes that may be published."""

from __future__ import annotations

import pandas as pd

from analysis.disclosure import NameList, Policy
from analysis.interviews import select_report_quotes

THEMES = ("B3 NIET_SERIEUS_GENOMEN", "A6 TERUGKOPPELING")
COLUMNS = ["document", "case", "org_side", "code", "code_family", "start", "end", "text"]


def _codings(n_formal: int = 12, n_informal: int = 12) -> pd.DataFrame:
    """A small codings table: every person has a QUOTE on B3 and one A6 segment; person 0 an IDENT."""
    rows = []
    for side, n in (("formeel", n_formal), ("informeel", n_informal)):
        for i in range(n):
            doc = f"{side}-{i}"
            text = f"Fatma zei dat haar signaal niet serieus werd genomen in Lombok ({side} {i})."
            person = (doc, f"{doc}-case", side)
            rows += [
                (*person, "B3 NIET_SERIEUS_GENOMEN", "B RELATIEKWALITEIT", 0, 80, text),
                (*person, "QUOTE", "QUOTE", 0, 80, text),
                (*person, "A6 TERUGKOPPELING", "A SAMENWERKINGSSTRUCTUUR", 100, 160, "Terugkoppeling ..."),
            ]
            if i == 0:
                rows.append((*person, "IDENT", "IDENT", 10, 20, "haar signaal"))
    return pd.DataFrame(rows, columns=COLUMNS)


def test_quotes_skip_identifying_segments_replace_names_and_label_by_side():
    names = NameList(names=("Fatma",), districts=("Lombok",))
    selection = select_report_quotes(
        _codings(), Policy(), names, themes=THEMES, group_by="org_side", max_quotes=30
    )
    quotes = selection.table()
    assert len(quotes) == 22  # 24 persons, minus the two whose quote overlaps an IDENT coding
    assert quotes["text"].str.contains(r"\[naam\] zei").all()
    assert quotes["text"].str.contains(r"\[wijk\]").all()
    assert not quotes["text"].str.contains("Fatma|Lombok").any()
    assert quotes["speaker"].str.fullmatch(r"(formeel|informeel) \d+").all()
    assert quotes["speaker"].is_unique


def test_quotes_from_a_group_below_the_threshold_are_refused():
    selection = select_report_quotes(
        _codings(n_formal=4), Policy(), NameList(), themes=THEMES, group_by="org_side", max_quotes=30
    )
    assert not selection.table()["speaker"].str.startswith("formeel").any()
    assert len(selection.refused) == 3  # four formal persons, one of whom only has an IDENT-blocked quote
    assert selection.refused["reason"].str.contains("fewer than 10").all()


def test_quotes_are_the_same_on_every_run():
    names = NameList(names=("Fatma",))
    first = select_report_quotes(_codings(), Policy(), names, themes=THEMES, group_by="org_side")
    again = select_report_quotes(
        _codings().sample(frac=1, random_state=3), Policy(), names, themes=THEMES, group_by="org_side"
    )
    pd.testing.assert_frame_equal(first.table(), again.table())
