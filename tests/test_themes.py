"""Code analysis of the interviews (``interview_themes``): frequencies by group, roll-ups, saturation."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.disclosure import Policy
from analysis.interviews import META_CODES
from analysis.study import Study
from analysis.themes import code_matrix

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


def test_code_matrix_counts_segments_per_family_and_side_without_meta_codes():
    table = code_matrix(_codings(), Policy(), by="org_side").table()
    values = table.values
    assert not set(values.index) & set(META_CODES)
    assert values.loc["B RELATIEKWALITEIT", "formeel"] == 12
    assert values.loc["A SAMENWERKINGSSTRUCTUUR", "informeel"] == 12
    assert values.iloc[-1, -1] == 48  # 24 persons x (B3 + A6)


def test_code_matrix_suppresses_small_cells():
    table = code_matrix(_codings(n_formal=4), Policy(), by="org_side").table()
    assert table.status.loc["B RELATIEKWALITEIT", "formeel"] == "primary"
    assert table.values.loc["B RELATIEKWALITEIT", "formeel"] is None


def test_planted_effect_not_taken_seriously_is_coded_more_for_informal_respondents():
    """PLANTED.yml: B3 occurs in about 80% of informal and 25% of formal interviews."""
    codings = Study.from_yaml().get("interviews").frame
    table = code_matrix(codings, Policy(min_count=1), by="org_side", level="code").table().values
    persons = codings.drop_duplicates("case")["org_side"].value_counts()
    per_person = {side: table.loc["B3 NIET_SERIEUS_GENOMEN", side] / persons[side] for side in persons.index}
    assert per_person["Informeel"] > 2 * per_person["Formeel"]


def test_missing_column_is_a_clear_error():
    from analysis.errors import BruggenError

    with pytest.raises(BruggenError, match="no column 'respondent_type'"):
        code_matrix(_codings(), Policy(), by="respondent_type")
