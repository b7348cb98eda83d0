"""Survey and cross-dataset rules, and the vectorised checks behind them."""

from __future__ import annotations

import pandas as pd

from analysis.codebook import Codebook, Variable
from analysis.ingest import Dataset
from analysis.validate import evaluate, rules

from .conftest import survey_codebook


def test_in_set_counts_per_column_and_keeps_user_missing_codes():
    df = pd.DataFrame({"a": [1.0, 8.0, 7.0, None], "b": [5.0, 9.0, 1.0, 6.0]})
    out = evaluate.in_set(df, ["a", "b", "absent"], [1, 2, 3, 4, 5, 8, 9])
    assert out["a"]["unexpected_count"] == 1 and out["a"]["index"] == [2] and out["a"]["values"] == [7]
    assert out["b"]["unexpected_count"] == 1 and out["b"]["index"] == [3]
    assert "absent" not in out


def test_between_allows_missing_codes_and_flags_text():
    df = pd.DataFrame({"n": [0, 5, 99999, -1], "t": ["1", "x", None, "3"]})
    out = evaluate.between(df, ["n", "t"], 0, 100, ignore_values={"n": [99999]})
    assert out["n"]["index"] == [3]
    assert out["t"]["index"] == [1]


def test_null_outside_is_skip_logic():
    df = pd.DataFrame({"side": [1, 2, 1, 2, None], "formal": [3, 4, None, 9, 5]})
    out = evaluate.null_outside(df, ["formal"], "side == 1", allowed={"formal": [9]})
    # row 1: informal with a formal answer; row 3: 9 = n.v.t. counts as empty; row 4: side unknown
    assert out["formal"]["index"] == [1]


def test_pairs_ordered_for_counts_and_dates():
    df = pd.DataFrame(
        {
            "total": [10, 5, None, 3],
            "sub": [4, 6, 2, 99],
            "d1": pd.to_datetime(["2024-01-05", "2024-01-05", None, "2024-02-01"]),
            "d2": pd.to_datetime(["2024-01-07", "2024-01-01", "2024-01-01", None]),
        }
    )
    out = evaluate.pairs_ordered(df, [["total", "sub"], ["d2", "d1"]], ignore_values={"sub": [99]})
    assert out["total>=sub"]["index"] == [1]
    assert out["d2>=d1"]["index"] == [1]


def test_column_types():
    df = pd.DataFrame(
        {"n": [1.0, 2.0], "s": ["a", "b"], "d": pd.to_datetime(["2024-01-01", None]), "e": [None, None]}
    )
    out = evaluate.column_types(df, {"n": "numeric", "s": "numeric", "d": "date", "e": "string"})
    assert {k: v["unexpected_count"] == 0 for k, v in out.items()} == {
        "n": True,
        "s": False,
        "d": True,
        "e": True,
    }


def test_consent_needs_the_yes_code():
    exps = rules.rule_expectations(survey_codebook(), {"consent": ["consent"]})
    consent = [e for e in exps if e["meta"]["check"] == "consent"]
    assert consent[0]["kwargs"] == {"column_list": ["consent"], "value_set": [1], "allow_null": False}


def test_no_rule_is_implied_by_a_variable_name_alone():
    """Sub-counts, date order and consent come from the study (its plan or validation section), never
    from a column that happens to be called ``consent`` or ``reach_total``."""
    checks = {e["meta"]["check"] for e in rules.rule_expectations(survey_codebook())}
    assert not checks & {"subcount", "date_order", "consent"}


def test_the_plan_implies_consent_date_order_and_references():
    from analysis.plan import Plan

    plan = Plan.from_config(
        {
            "survey": {"dataset": "s", "id": "nr", "consent": {"variable": "akkoord", "yes": 1},
                       "reach": {"count": "bereik", "unknown": "onbekend"}},
            "referrals": {"dataset": "r", "sender": "van", "referred": "d1", "first_contact": "d2"},
        },
        None,
    )  # fmt: skip
    assert plan.rules() == {
        "subcounts": [["onbekend", "bereik"]],
        "date_order": [["d1", "d2"]],
        "consent": ["akkoord"],
        "references": [{"from": "r.van", "to": "s.nr"}],
    }


def test_skip_logic_allows_not_applicable_codes():
    book = Codebook(
        "x",
        (
            Variable("side", value_labels={1: "f", 2: "i"}, measure="nominal"),
            Variable("item", value_labels={1: "a", 9: "n.v.t."}, missing_values=[9], applies_to="side == 2"),
        ),
    )
    (skip,) = rules.rule_expectations(book)
    assert skip["kwargs"] == {"column_list": ["item"], "condition": "side == 2", "allowed": {"item": [9]}}


def _ds(name, frame, variables, tables=None):
    return Dataset(frame=frame, codebook=Codebook(name, tuple(variables)), codes=frame, tables=tables or {})


def test_references_are_inferred_from_key_columns():
    frame = _ds(
        "gemeenten",
        pd.DataFrame({"municipality_code": ["GM0363", "GM0344"]}),
        [Variable("municipality_code", type="string", unique=True)],
    )
    log = _ds(
        "verwijzingen",
        pd.DataFrame({"municipality_code": ["GM0363", "GM9999", None]}),
        [Variable("municipality_code", type="string")],
    )
    out = rules.cross_checks({"gemeenten": frame, "verwijzingen": log})
    (ref,) = out
    assert ref.rule == "verwijzingen.references.municipality_code"
    assert ref.unexpected_count == 1 and ref.index == [1] and ref.values == ["GM9999"]


def test_declared_reference_and_table_references():
    survey = _ds(
        "enquete",
        pd.DataFrame({"resp_id": ["R0001", "R0002"]}),
        [Variable("resp_id", type="string", unique=True)],
    )
    cases = pd.DataFrame({"name": ["a", "b"], "resp_id": ["R0002", "R0404"]})
    codings = pd.DataFrame({"code": ["A1 X", "Z9 ONBEKEND"], "code_guid": ["g1", "g9"]})
    codes = pd.DataFrame({"guid": ["g1", "g2"], "name": ["A1 X", "A2 Y"]})
    qda = _ds(
        "interviews",
        codings,
        [Variable("code", type="string")],
        tables={"cases": cases, "codings": codings, "codes": codes},
    )
    log = _ds(
        "verwijzingen",
        pd.DataFrame({"from_resp_id": ["R0001", "R0003"]}),
        [Variable("from_resp_id", type="string")],
    )
    config = {"references": [{"from": "verwijzingen.from_resp_id", "to": "enquete.resp_id"}]}
    out = {
        o.rule: o
        for o in rules.cross_checks({"enquete": survey, "interviews": qda, "verwijzingen": log}, config)
    }
    assert out["interviews.cases.references.resp_id"].index == [1]
    assert out["verwijzingen.references.from_resp_id"].index == [1]
    assert out["interviews.codes.known"].column == "code_guid"
    assert out["interviews.codes.known"].index == [1]


def test_scale_items_must_share_one_scale():
    book = survey_codebook()
    assert rules.scale_checks(book) == [("trust", ["trust_1", "trust_2"], "")]
    seven = book.with_variable(
        Variable("trust_2", measure="ordinal", value_labels={i: str(i) for i in range(1, 8)}, scale="trust")
    )
    ((_scale, _items, problem),) = rules.scale_checks(seven)
    assert problem and "trust_2" in problem


def test_a_key_is_the_same_as_number_and_as_text_and_missing_is_never_unknown():
    """363.0, 363 and " 363 " name the same key; Arrow and object strings compare alike."""
    import numpy as np

    arrow = pd.StringDtype("pyarrow", na_value=np.nan)
    known = pd.Series([363.0, 344.0, np.nan, 599.0])
    for values in (
        pd.Series(["363", " 344 ", None, "12", "599", "12"], dtype=arrow),
        pd.Series(["363", " 344 ", None, "12", "599", "12"], dtype=object),
    ):
        bad, present = rules._unknown(values, known)
        assert bad.tolist() == [False, False, False, True, False, True]
        assert present == 5
    bad, present = rules._unknown(
        pd.Series([363, 7, None], dtype="Int64"), pd.Series(["363", "344"], dtype=arrow)
    )
    assert bad.tolist() == [False, True, False] and present == 2
    bad, _ = rules._unknown(pd.Series(["a", "b"]), pd.Series([], dtype=object))  # nothing known
    assert bad.tolist() == [True, True]


def test_unique_flags_every_row_of_a_repeated_value_and_ignores_missing():
    import numpy as np

    arrow = pd.StringDtype("pyarrow", na_value=np.nan)
    df = pd.DataFrame(
        {
            "id": pd.Series(["V1", "V2", "V1", None, None, "V3"], dtype=arrow),
            "n": [1.0, 2.0, 3.0, np.nan, np.nan, 2.0],
            "ok": ["a", "b", "c", "d", "e", "f"],
        }
    )
    out = evaluate.unique(df, ["id", "n", "ok", "absent"])
    assert (
        out["id"]["unexpected_count"] == 2 and out["id"]["index"] == [0, 2] and out["id"]["values"] == ["V1"]
    )
    assert out["n"]["index"] == [1, 5] and out["n"]["values"] == [2.0]
    assert out["ok"]["unexpected_count"] == 0 and out["ok"]["element_count"] == 6
    assert "absent" not in out
