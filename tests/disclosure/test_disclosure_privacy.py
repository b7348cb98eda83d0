"""k-anonymity, quotes (pseudonymisation, labels, small groups) and municipality fallback."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.disclosure import (
    NameList,
    Policy,
    SpeakerLabels,
    k_anonymity,
    municipality_fallback,
    pseudonymise,
    require_k_anonymity,
    select_quotes,
    speaker_label,
)
from analysis.errors import DisclosureError, StudyConfigError
from analysis.study import Study

POLICY = Policy(quasi_identifiers=("gemeente", "type"))


# -- k-anonymity ------------------------------------------------------------------------
def test_a_unique_combination_is_refused_with_a_clear_message():
    df = pd.DataFrame(
        {
            "respondent_id": [f"R{i:03d}" for i in range(11)],
            "gemeente": ["Aa"] * 10 + ["Bb"],
            "type": ["formeel"] * 10 + ["sleutelpersoon"],
        }
    )
    report = k_anonymity(df, ["gemeente", "type"], 5)
    assert not report.ok and report.smallest_class == 1 and report.n_records_below_k == 1
    assert list(report.offending.columns) == ["gemeente", "type", "n"]  # no record IDs
    with pytest.raises(DisclosureError) as info:
        require_k_anonymity(df, POLICY)
    message = str(info.value)
    assert "export refused" in message and "5-anonymous" in message and "What to do" in message
    assert "R010" not in message and "Bb" not in message  # names no record and no combination


def test_a_safe_frame_passes_and_unexported_identifiers_are_skipped():
    df = pd.DataFrame({"gemeente": ["Aa"] * 6 + ["Bb"] * 5, "type": ["formeel"] * 11})
    assert require_k_anonymity(df, POLICY).ok
    assert require_k_anonymity(df[["gemeente"]], POLICY).ok
    with pytest.raises(DisclosureError, match="not in the data"):
        k_anonymity(df, ["gemeente", "leeftijd"], 5)


def test_missing_values_form_their_own_class():
    df = pd.DataFrame({"gemeente": ["Aa"] * 6 + [None]})
    assert k_anonymity(df, ["gemeente"], 5).n_records_below_k == 1


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=40), st.integers(1, 6))
def test_k_anonymity_counts_match_a_brute_force(values, k):
    df = pd.DataFrame({"q": values})
    report = k_anonymity(df, ["q"], k)
    counts = {v: values.count(v) for v in set(values)}
    assert report.smallest_class == min(counts.values())
    assert report.n_records_below_k == sum(n for n in counts.values() if n < k)
    assert report.ok == all(n >= k for n in counts.values())


# -- pseudonymisation -------------------------------------------------------------------
def test_names_and_places_are_replaced_and_marked():
    text = (
        "Blanka's zus woont in de Schilderswijk in Den Haag. BLANKA zei dat Zoe en "
        "Ahmed el Amrani hielpen; Ahmeds moeder ook. Blankaland en Denhaag niet."
    )
    out, log = pseudonymise(
        text,
        names=["Blanka", "Zoë", "Ahmed", "Ahmed el Amrani"],
        places=["Den Haag"],
        districts=["Schilderswijk"],
    )
    assert out == (
        "[naam]'s zus woont in de [wijk] in [plaats]. [naam] zei dat [naam] en "
        "[naam] hielpen; [naam]'s moeder ook. Blankaland en Denhaag niet."
    )
    assert [r.original for r in log] == [
        "Blanka's",
        "Schilderswijk",
        "Den Haag",
        "BLANKA",
        "Zoe",
        "Ahmed el Amrani",
        "Ahmeds",
    ]
    assert all(text[r.start : r.end] == r.original for r in log)


def test_diacritics_and_curly_apostrophes():
    out, _ = pseudonymise("Zoë’s broer en zoe", names=["Zoe"])
    assert out == "[naam]’s broer en [naam]"
    out, _ = pseudonymise("In Überlingen en Sint-Oedenrode", places=["Uberlingen", "Sint-Oedenrode"])
    assert out == "In [plaats] en [plaats]"


def test_name_list_file_format(tmp_path):
    (tmp_path / "namen.txt").write_text(
        "# namenlijst\nBlanka\n[wijken]\nSchilderswijk\n[plaatsen]\nHoogeveen  # dorp\nnaam: Fatima\n",
        encoding="utf-8",
    )
    (tmp_path / "study.yml").write_text("datasets: {a: a.csv}\nprivacy: {names_file: namen.txt}\n")
    names = NameList.from_study(Study.from_yaml(tmp_path / "study.yml"))
    assert names == NameList(names=("Blanka", "Fatima"), districts=("Schilderswijk",), places=("Hoogeveen",))
    with pytest.raises(StudyConfigError, match="unknown section"):
        NameList.parse("[straten]\nDorpsstraat")


# -- speaker labels and quote selection -------------------------------------------------
def people() -> pd.DataFrame:
    rows = [
        {"speaker_id": f"S{i:02d}", "role": "sleutelpersoon", "organisation": "vrouwenorganisatie"}
        for i in range(12)
    ]
    rows += [{"speaker_id": f"W{i}", "role": "wethouder", "organisation": "gemeente"} for i in range(2)]
    rows += [{"speaker_id": "B1", "role": "beleidsmedewerker", "organisation": "gemeente"}]
    return pd.DataFrame(rows)


def test_labels_are_consistent_and_independent_of_order():
    a = SpeakerLabels.from_people(people())
    b = SpeakerLabels.from_people(people().sample(frac=1, random_state=3))
    assert a == b
    assert a["B1"] == "beleidsmedewerker, gemeente"
    shared = sorted(a[f"S{i:02d}"] for i in range(12))
    assert len(set(shared)) == 12 and all(s.startswith("sleutelpersoon ") for s in shared)
    assert "sleutelpersoon 3, vrouwenorganisatie" in shared
    assert speaker_label({"role": "wethouder", "organisation": None}) == "wethouder"
    with pytest.raises(DisclosureError):
        a["X9"]


def test_select_quotes_pseudonymises_labels_and_refuses_small_groups():
    quotes = pd.DataFrame(
        {
            "speaker_id": ["S03", "S07", "W1", "S03"],
            "text": [
                "Blanka belde mij.",
                "In Hoogeveen weet iedereen alles.",
                "Wij financieren dat.",
                "Nogmaals.",
            ],
            "theme": ["bereik", "vertrouwen", "financiering", "bereik"],
        }
    )
    names = NameList(names=("Blanka",), places=("Hoogeveen",))
    with pytest.raises(DisclosureError, match="role=wethouder has 2 persons, fewer than 10"):
        select_quotes(quotes, Policy(), group_by="role", people=people(), names=names)
    sel = select_quotes(quotes, Policy(), group_by="role", people=people(), names=names, on_refuse="drop")
    assert sel.quotes["text"].tolist() == [
        "[naam] belde mij.",
        "In [plaats] weet iedereen alles.",
        "Nogmaals.",
    ]
    labels = SpeakerLabels.from_people(people())
    assert sel.quotes["speaker"].tolist() == [labels["S03"], labels["S07"], labels["S03"]]
    assert "speaker_id" not in sel.quotes.columns and "theme" in sel.quotes.columns
    assert len(sel.refused) == 1 and len(sel.replacements) == 2


def test_group_size_is_counted_in_persons_not_quotes():
    few = people().iloc[:3]  # three persons
    quotes = pd.DataFrame({"speaker_id": ["S00"] * 20, "text": ["ja"] * 20})
    with pytest.raises(DisclosureError, match="3 persons"):
        select_quotes(quotes, Policy(), group_by="role", people=few)


# -- municipality fallback --------------------------------------------------------------
@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 30),
            st.sampled_from(["Noord", "Zuid", "West"]),
            st.sampled_from(["klein", "groot"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_every_reported_group_reaches_min_count_and_pools_exclude_municipalities_alone(spec):
    rows = []
    for i, (n, region, size) in enumerate(spec):
        rows += [{"gemeente": f"G{i}", "region": region, "size_class": size}] * n
    df = pd.DataFrame(rows)
    g = municipality_fallback(df, "gemeente", ("region", "size_class"), Policy())
    grouped = g.apply(df, "gemeente")
    sizes = grouped.groupby("report_group").size()
    if len(df) >= 10:
        assert (sizes >= 10).all(), sizes
    counts = df.groupby("gemeente").size()
    for _, row in g.table.iterrows():
        alone = row["level"] == "municipality"
        assert alone == (row["report_group"] == row["municipality"])
        if alone:
            assert counts[row["municipality"]] >= 10 and row["sentence_nl"] == ""
        else:
            assert row["municipality"] in row["sentence_nl"] and "combined" in row["sentence_en"]
    # a pool never contains a municipality that is also reported alone
    pools = g.table[g.table["level"] != "municipality"]
    assert not set(pools["report_group"]) & set(
        g.table.loc[g.table["level"] == "municipality", "municipality"]
    )


def test_fallback_names_missing_columns():
    with pytest.raises(DisclosureError, match="region"):
        municipality_fallback(pd.DataFrame({"gemeente": ["A"]}), "gemeente", ("region",), Policy())
    g = municipality_fallback(pd.DataFrame({"gemeente": ["A"] * 12 + ["B"] * 3}), "gemeente", (), Policy())
    assert g.group("A") == "alle gemeenten" == g.group("B")  # B alone would be total - A
