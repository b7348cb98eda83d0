"""Code co-occurrence and intercoder agreement (analysis.cooccurrence), checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.cooccurrence import cooccurrence, intercoder_agreement
from analysis.disclosure import Policy
from analysis.disclosure._text import fmt_float
from analysis.errors import BruggenError

B3, A6 = "B3 NIET_SERIEUS_GENOMEN", "A6 TERUGKOPPELING"


def _row(doc: str, start: int, end: int, code: str, coder: str = "X") -> dict:
    return {
        "document": doc,
        "start": start,
        "end": end,
        "code": code,
        "code_family": code[0],
        "coder": coder,
    }


def _tiny() -> pd.DataFrame:
    """d1: (0,10) A+B, (5,20) C overlaps it; (30,40) A, with a QUOTE. d2: (0,10) A, (20,30) B."""
    rows = [
        _row("d1", 0, 10, "A"),
        _row("d1", 0, 10, "B"),
        _row("d1", 5, 20, "C"),
        _row("d1", 30, 40, "A"),
        _row("d1", 30, 40, "QUOTE"),
        _row("d1", 0, 40, "IDENT"),  # a meta-code spanning both passages joins nothing
        _row("d2", 0, 10, "A"),
        _row("d2", 20, 30, "B"),
    ]
    return pd.DataFrame(rows)


def test_segment_unit_joins_overlapping_selections_and_counts_by_hand():
    # passages: d1 {A,B,C}, d1 {A}, d2 {A}, d2 {B}: N = 4
    r = cooccurrence(_tiny(), Policy(min_count=1), unit="segment")
    assert r.codes == ["A", "B", "C"] and r.n_units == 4
    assert [r.count("A", c) for c in "ABC"] == [3, 1, 1]
    assert [r.count("B", c) for c in "ABC"] == [1, 2, 1]
    assert r.count("C", "C") == 1
    assert r.coefficient("A", "B") == pytest.approx(1 / (3 + 2 - 1))
    assert r.coefficient("B", "C") == pytest.approx(1 / (2 + 1 - 1))
    assert r.share("A", "B") == pytest.approx(1 / 2)
    assert r.share_without("A", "B") == pytest.approx((3 - 1) / (4 - 2))
    assert "QUOTE" not in r.table().values.index and "IDENT" not in r.table().values.index


def test_selections_without_offsets_are_units_of_their_own():
    """Picture, audio and whole-document codings have no character offsets (QualCoder, REFI media)."""
    rows = [
        {**_row("d1", 0, 10, "A"), "selection_guid": "s1"},
        {**_row("d1", 0, 10, "B"), "selection_guid": "s1"},
        {**_row("d2", 0, 0, "A"), "selection_guid": "pic"},  # a picture area coded A and B
        {**_row("d2", 0, 0, "B"), "selection_guid": "pic"},
        {**_row("d2", 0, 0, "C"), "selection_guid": "clip"},  # an audio clip coded C only
        {**_row("d3", 0, 0, "C"), "selection_guid": None},  # no selection guid: a unit per coding
        {**_row("d3", 0, 0, "A"), "selection_guid": None},
    ]
    frame = pd.DataFrame(rows)
    frame["start"] = frame["start"].astype("Int64")
    frame["end"] = frame["end"].astype("Int64")
    media = frame.index >= 2
    frame.loc[media, ["start", "end"]] = pd.NA
    r = cooccurrence(frame, Policy(min_count=1), unit="segment")
    # units: d1 text {A,B}; d2 picture {A,B}; d2 clip {C}; d3 {C}; d3 {A}
    assert r.n_units == 5
    assert r.count("A", "B") == 2 and r.count("A", "C") == 0 and r.count("C", "C") == 2


def test_document_unit_counts_interviews():
    r = cooccurrence(_tiny(), Policy(min_count=1), unit="document", measure="jaccard")
    assert r.n_units == 2
    assert r.count("A", "B") == 2 and r.count("A", "C") == 1 and r.count("C", "C") == 1
    assert r.coefficient("A", "B") == pytest.approx(1.0)
    assert r.coefficient("A", "C") == pytest.approx(1 / (2 + 1 - 1))
    frame = r.to_frame().set_index("term")
    assert frame.loc["A & C", "estimate"] == pytest.approx(0.5)
    assert frame.loc["A & C", "n"] == 1


def test_codes_option_orders_the_matrix_and_accepts_the_first_word():
    codings = _tiny().assign(code=lambda f: f["code"].replace({"A": "A1 EEN", "B": "B2 TWEE"}))
    r = cooccurrence(codings, Policy(min_count=1), unit="segment", codes=["B2", "A1 EEN"])
    assert r.codes == ["B2 TWEE", "A1 EEN"] and r.count("A1 EEN", "B2 TWEE") == 1
    with pytest.raises(BruggenError):
        cooccurrence(codings, Policy(min_count=1), codes=["Z9"])
    # the matrix names codes readably (a label given, else the name made readable); either works
    assert r.labels == ["Twee", "Een"] and list(r.table().values.index[:2]) == ["Twee", "Een"]
    named = cooccurrence(codings, Policy(min_count=1), unit="segment", labels={"A1 EEN": "Eerste"})
    assert named.count("Eerste", "Twee") == named.count("A1 EEN", "B2 TWEE") == 1
    assert named.label("A1 EEN") == "Eerste"


def _bigger() -> pd.DataFrame:
    """40 segments: A in 30, B in 25 (20 with A), C in 15 (3 with A): A & C is a small cell."""
    rows = []
    for i in range(40):
        s = i * 100
        if i < 30:
            rows.append(_row("d", s, s + 50, "A"))
        if 10 <= i < 35:
            rows.append(_row("d", s, s + 50, "B"))
        if 27 <= i < 42:
            rows.append(_row("d", s, s + 50, "C"))
    for i in range(40, 42):
        rows.append(_row("d", i * 100, i * 100 + 50, "C"))
    return pd.DataFrame(rows)


def test_small_cell_and_its_coefficient_are_not_published():
    policy = Policy(min_count=10)
    r = cooccurrence(_bigger(), policy, unit="segment")
    assert r.count("A", "C") is None and r.count("C", "A") is None
    assert r.coefficient("A", "C") is None
    frame = r.to_frame()
    assert "A & C" not in set(frame["term"]) or math.isnan(frame.set_index("term").loc["A & C", "estimate"])
    html = r.more_tables()[0][1]
    assert ">x<" in html
    values, status = r.table().values, r.table().status
    for i in range(len(values.index)):
        for j in range(len(values.columns)):
            v = values.iat[i, j]
            assert v is None or v == 0 or v >= policy.min_count
            if i < 3 and j < 3:  # the matrix is symmetric in what it hides
                assert (status.iat[i, j] == "shown") == (status.iat[j, i] == "shown")
    for p in frame.itertuples():  # every published coefficient uses published counts only
        if not math.isnan(p.estimate):
            n1, n2 = r.count(p.code_a, p.code_a), r.count(p.code_b, p.code_b)
            assert p.estimate == pytest.approx(p.n / (n1 + n2 - p.n))


def test_findings_use_the_numbers_of_to_frame():
    r = cooccurrence(_bigger(), Policy(min_count=3), unit="segment")
    frame = r.to_frame().dropna(subset=["estimate"])
    assert len(frame) == 3
    best = frame.sort_values("estimate", ascending=False).iloc[0]
    for lang in ("nl", "en"):
        text = " ".join(r.findings(lang))
        assert f"{int(best.n)} " in text and fmt_float(best.estimate, 2, lang) in text
    r.figure()


def test_planted_cooccurrence_b3_a6_in_the_example():
    """PLANTED.yml: per answer segment, P(A6 | B3) = 0.75 against about 0.07 without B3."""
    import analysis

    study = analysis.load("study.yml")
    r = study.analyse("samenloop")
    assert r.unit == "segment"
    assert r.share(A6, B3) == pytest.approx(0.75, abs=0.03)
    assert r.share_without(A6, B3) == pytest.approx(0.07, abs=0.03)
    row = r.to_frame().set_index("term").loc[f"{B3} & {A6}"]
    assert row["p_b_given_a"] == pytest.approx(r.share(A6, B3))
    assert fmt_float(row["p_b_given_a"], 2, "nl") in " ".join(r.findings("nl"))
    assert all("QUOTE" not in c and "IDENT" not in c and "CASEBOX" not in c for c in r.codes)


def _double_coded() -> pd.DataFrame:
    """Five units coded by X and Y (Z by both everywhere); A: X on u1-u3, Y on u1-u2; u6 only by X."""
    rows = []
    for u in range(1, 6):
        rows += [_row("d", u * 10, u * 10 + 5, "Z", "X"), _row("d", u * 10, u * 10 + 5, "Z", "Y")]
    rows += [_row("d", u * 10, u * 10 + 5, "A", "X") for u in (1, 2, 3)]
    rows += [_row("d", u * 10, u * 10 + 5, "A", "Y") for u in (1, 2)]
    rows += [_row("d", 60, 65, "A", "X"), _row("d", 60, 65, "QUOTE", "Y")]
    return pd.DataFrame(rows)


def test_intercoder_agreement_by_hand():
    r = intercoder_agreement(_double_coded())
    frame = r.to_frame().set_index("term")
    # A: agree on u1, u2 (both) and u4, u5 (neither): 4 of 5; pe = 0.6*0.4 + 0.4*0.6 = 0.48
    assert frame.loc["A", "n"] == 5
    assert frame.loc["A", "agreement"] == pytest.approx(0.8)
    assert frame.loc["A", "estimate"] == pytest.approx((0.8 - 0.48) / (1 - 0.48))
    assert frame.loc["Z", "agreement"] == pytest.approx(1.0) and math.isnan(frame.loc["Z", "estimate"])
    assert fmt_float(frame.loc["A", "estimate"], 2, "en") in r.findings("en")[0]


def test_intercoder_agreement_needs_two_coders():
    with pytest.raises(BruggenError):
        intercoder_agreement(_tiny())


def test_the_example_names_codes_in_the_report_language_and_no_finding_a_raw_code():
    import re

    import analysis
    from analysis.labels import code_labels

    study = analysis.load("study.yml")
    codes = set(study.data("interviews")["code"].astype(str))
    for lang, b3 in (("nl", "Niet serieus genomen"), ("en", "Not taken seriously")):
        labels = code_labels(study.dataset("interviews").codebook, lang)
        r = study.analyse("samenloop", lang=lang)
        assert r.labels == [labels[c] for c in r.codes] and r.labels[0] == b3
        assert list(r.table().values.index[:-1]) == r.labels  # then the total
        assert r.count(B3, A6) == r.count(b3, labels[A6]) == 30
        shown = [*r.findings(), *(h for _, h in r.more_tables()), r.figure().to_json()]
        assert b3 in shown[0]
        for text in shown:
            assert not any(code in text for code in codes) and not re.search(r"\b[A-G]\d+ [A-Z_]+", text)


def _many_codes(n_codes: int, n_docs: int = 60, seed: int = 3) -> pd.DataFrame:
    """A codings table of ``n_codes`` codes in six families, every code on several interviews."""
    rng = np.random.default_rng(seed)
    rows = []
    for d in range(n_docs):
        for k in rng.choice(n_codes, size=8, replace=False):
            rows.append({"document": f"d{d:02d}", "code": f"F{k % 6} C{k:02d}", "code_family": f"F{k % 6}"})
    return pd.DataFrame(rows)


def test_a_large_code_system_is_drawn_by_its_families_and_tabled_in_full():
    from analysis.cooccurrence import MAX_FIGURE_CODES

    codings = _many_codes(MAX_FIGURE_CODES + 10)
    result = cooccurrence(codings, Policy(), unit="document")
    assert len(result.table().values.index) == MAX_FIGURE_CODES + 10 + 1  # every code, and the total
    families = result.families
    assert families is not None and [t for _, t in result.extra_tables()] == [families]  # published
    assert sorted(result.figure().data[0].x) == [f"F{f}" for f in range(6)]  # the figure: families
    # a family's count is the interviews with any of its codes (each interview once)
    docs = codings.groupby("code_family")["document"].apply(set)
    for a in docs.index:
        for b in docs.index:
            v = families.values.at[a, b]
            if v is not None:
                assert v == len(docs[a] & docs[b])
    hidden = families.status.to_numpy()[:-1, :-1] != "shown"
    assert (hidden == hidden.T).all()
    # 30 codes or fewer: the figure shows the codes themselves
    small = cooccurrence(_many_codes(MAX_FIGURE_CODES), Policy(), unit="document")
    from analysis.disclosure import EstimatesTable

    assert small.families is None
    assert [type(t) for _, t in small.extra_tables()] == [EstimatesTable]  # the c-matrix only
