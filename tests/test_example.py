"""The example study: determinism, the files open as their formats promise, and every planted
effect is recovered by an independent fit.

The recovery tests fit each effect directly with statsmodels and scipy on the committed files in
``data/raw`` (not through Bruggen's analysis code), and compare with the R reference numbers in
``tests/reference/planted_effects.json`` (made by ``tests/reference/planted_effects.R``; CI has no
R, so only the committed JSON is read here).
"""

from __future__ import annotations

import json
import re
import zipfile
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.codebook import Codebook
from analysis.disclosure import NameList
from analysis.example import write_study

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
BOOKS = ROOT / "data" / "codebooks"
REFERENCE = ROOT / "tests" / "reference" / "planted_effects.json"
SCHEMA = ROOT.parent / "shared" / "realdata" / "qda" / "REFI-QDA-Project-mrt2019.xsd"
NS = {"q": "urn:QDA-XML:project:1.0"}

RAW_FILES = (
    "organisatie_enquete.sav",
    "verwijzingen.xlsx",
    "gemeenten.csv",
    "interviews.qdpx",
    "namenlijst.txt",
    "PLANTED.yml",
    "README.md",
)
CODEBOOKS = ("organisatie_enquete", "verwijzingen", "gemeenten", "interviews")


# -- loading the committed files (plain pyreadstat / pandas / lxml, no Bruggen readers) ---------


@cache
def planted() -> dict[str, dict]:
    data = yaml.safe_load((RAW / "PLANTED.yml").read_text(encoding="utf-8"))
    return {e["id"]: e for e in data["effects"]}


@cache
def survey() -> tuple[pd.DataFrame, object]:
    import pyreadstat

    return pyreadstat.read_sav(str(RAW / "organisatie_enquete.sav"), user_missing=True)


def survey_numeric() -> pd.DataFrame:
    """Survey codes with the user-missing codes (8, 9) of the Likert items set to NaN."""
    df, meta = survey()
    out = df.copy()
    for col, ranges in meta.missing_ranges.items():
        codes = {r["lo"] for r in ranges}
        out[col] = out[col].where(~out[col].isin(codes))
    return out


@cache
def referrals() -> pd.DataFrame:
    return pd.read_excel(RAW / "verwijzingen.xlsx", sheet_name="verwijzingen")


@cache
def reference() -> dict:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


@cache
def interviews() -> dict:
    """Segments and interviews from the .qdpx: codes per selection, side per source.

    ``segments`` are the first coding's: the check coder's second coding of some interviews
    (PLANTED.yml, ``interviews_intercoder_agreement``) is left out; ``selections`` are all.
    """
    from lxml import etree

    with zipfile.ZipFile(RAW / "interviews.qdpx") as zf:
        root = etree.fromstring(zf.read("project.qde"))
        texts = {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("sources/")}
    code_name = {c.get("guid"): c.get("name") for c in root.iterfind(".//q:Code", NS)}
    var_name = {v.get("guid"): v.get("name") for v in root.iterfind(".//q:Variable", NS)}
    cases = {}
    for case in root.iterfind(".//q:Case", NS):
        values = {}
        for vv in case.iterfind("q:VariableValue", NS):
            name = var_name[vv.find("q:VariableRef", NS).get("targetGUID")]
            values[name] = next(iter(vv.iterchildren("{*}TextValue", "{*}BooleanValue"))).text
        for sr in case.iterfind("q:SourceRef", NS):
            cases[sr.get("targetGUID")] = {"case": case.get("name"), **values}
    check_coder = planted()["interviews_intercoder_agreement"]["realisation"]["check_coder"]
    check = {u.get("guid") for u in root.iterfind(".//q:User", NS) if u.get("name") == check_coder}
    assert len(check) == 1
    segments, selections = [], []
    for src in root.iterfind(".//q:TextSource", NS):
        text = texts["sources/" + src.get("plainTextPath").removeprefix("internal://")]
        for sel in src.iterfind("q:PlainTextSelection", NS):
            names = [code_name[ref.get("targetGUID")] for ref in sel.iterfind(".//q:CodeRef", NS)]
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            row = {
                "source": src.get("guid"),
                "start": start,
                "end": end,
                "codes": names,
                "text": text[start:end],
            }
            selections.append(row)
            if sel.get("creatingUser") not in check and any(re.match(r"^[A-G]\d+ ", n) for n in names):
                segments.append(row | cases[src.get("guid")])
    return {
        "root": root,
        "texts": texts,
        "cases": cases,
        "segments": pd.DataFrame(segments),
        "selections": selections,
    }


def contains(ci: tuple[float, float], value: float) -> bool:
    return ci[0] <= value <= ci[1]


# -- determinism and provenance -----------------------------------------------------------------


def test_same_seed_gives_identical_bytes(tmp_path):
    first = write_study(tmp_path / "a" / "raw", seed=7)
    second = write_study(tmp_path / "b" / "raw", seed=7)
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between two runs with seed 7"
    # and another seed gives other data
    assert (tmp_path / "a" / "raw" / "organisatie_enquete.sav").read_bytes() != (
        RAW / "organisatie_enquete.sav"
    ).read_bytes()


def test_committed_files_are_the_generator_output(tmp_path):
    written = write_study(tmp_path / "raw", seed=2019)
    assert {p.name for p in written} == set(RAW_FILES) | {f"{n}.yml" for n in CODEBOOKS}
    for path in written:
        committed = (RAW if path.parent.name == "raw" else BOOKS) / path.name
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed.relative_to(ROOT)} differs from `bruggen example --seed 2019`: never edit it by hand; "
            "change src/analysis/example/, run `bruggen example` and commit the result"
        )


def test_every_file_says_it_is_synthetic():
    _, meta = survey()
    assert "SYNTHETISCHE DATA" in meta.file_label
    assert any("SYNTHETISCHE DATA" in n for n in meta.notes)
    assert "synthetic" in (RAW / "README.md").read_text(encoding="utf-8")
    assert yaml.safe_load((RAW / "PLANTED.yml").read_text(encoding="utf-8"))["synthetic"] is True
    for name in CODEBOOKS:
        book = Codebook.from_yaml(BOOKS / f"{name}.yml")
        assert "SYNTHETISCHE DATA" in book.notes and "SYNTHETISCHE DATA" in book.title
    with zipfile.ZipFile(RAW / "verwijzingen.xlsx") as zf:
        assert "SYNTHETISCHE DATA" in zf.read("docProps/core.xml").decode()
    assert "SYNTHETISCH" in interviews()["root"].find("q:Description", NS).text


def test_no_wall_clock_time_in_the_files():
    assert (RAW / "organisatie_enquete.sav").read_bytes()[92:109] == b"01 May 2612:00:00"
    for name in ("verwijzingen.xlsx", "interviews.qdpx"):
        with zipfile.ZipFile(RAW / name) as zf:
            assert {i.date_time for i in zf.infolist()} == {(2026, 5, 1, 12, 0, 0)}
            if name.endswith("xlsx"):
                core = zf.read("docProps/core.xml").decode()
                assert core.count("2026-05-01T12:00:00Z") == 2


# -- the survey ------------------------------------------------------------------------------------


def test_sav_keeps_labels_and_user_missing_codes():
    df, meta = survey()
    assert df.shape[0] == 600
    assert meta.missing_ranges["trust_1"] == [{"lo": 8.0, "hi": 8.0}, {"lo": 9.0, "hi": 9.0}]
    assert meta.variable_value_labels["trust_1"][8.0] == "Weet niet"
    assert meta.variable_value_labels["resp_type"][6.0] == "Sleutelpersoon"
    assert meta.variable_value_labels["collab_form"] == {
        1.0: "Ad hoc",
        2.0: "Projectmatig",
        3.0: "Structureel",
    }
    assert meta.column_names_to_labels["taken_seriously_4"] == "Ik voel me soms gebruikt als doorgeefluik"
    assert meta.original_variable_types["survey_date"] == "DATE11"
    assert meta.variable_measure["collab_form"] == "ordinal"
    likert = [
        c for c in df.columns if re.match(r"^(trust|appreciation|taken_seriously|knowledge_exchange)_\d$", c)
    ]
    assert len(likert) == 15
    codes = df[likert].stack()
    assert set(codes.unique()) == {1, 2, 3, 4, 5, 8, 9}
    assert 0.02 < codes.isin([8, 9]).mean() < 0.08


def test_sav_matches_its_codebook():
    from analysis.ingest.spss import codebook_from_meta

    _, meta = survey()
    reviewed = Codebook.from_yaml(BOOKS / "organisatie_enquete.yml")
    drift = reviewed.diff(codebook_from_meta(meta, "organisatie_enquete"))
    assert drift == [], [d.to_dict() for d in drift]
    assert reviewed["open_remarks"].pii and reviewed["resp_id"].unique
    assert reviewed["taken_seriously_4"].reverse and reviewed["taken_seriously_4"].scale == "taken_seriously"
    assert reviewed["informal_org_type"].applies_to == "org_side == 2"


@pytest.mark.parametrize("name", CODEBOOKS)
def test_codebooks_have_readable_labels_and_english_translations(name):
    book = Codebook.from_yaml(BOOKS / f"{name}.yml")
    for var in book:
        en = var.translations.get("en", {})
        assert en.get("label"), f"{name}.{var.name} has no English label"
        assert var.label_in("en") == en["label"]
        assert set(en.get("value_labels") or {}) == set(var.value_labels), var.name
        for code, label in var.value_labels.items():
            # labels as a researcher types them: no code-like underscores, starting with a capital
            assert "_" not in label and label[0] == label[0].upper(), (var.name, code, label)
            assert var.value_labels_in("en")[code] == en["value_labels"][code]


def test_string_codes_stay_codes_and_get_readable_labels():
    ref = referrals()
    assert set(ref["collab_form"]) == {"ad_hoc", "projectmatig", "structureel"}
    assert "veilig_thuis" in set(ref["to_org_type"])
    books = {n: Codebook.from_yaml(BOOKS / f"{n}.yml") for n in CODEBOOKS}
    assert books["verwijzingen"]["collab_form"].value_labels == {
        "ad_hoc": "Ad hoc",
        "projectmatig": "Projectmatig",
        "structureel": "Structureel",
    }
    assert books["verwijzingen"]["to_org_type"].value_labels["veilig_thuis"] == "Veilig Thuis"
    assert books["verwijzingen"]["collab_form"].value_labels_in("en")["structureel"] == "Structural"
    sides = {c["org_side"] for c in interviews()["cases"].values()}
    assert sides == {"formeel", "informeel"}
    assert books["interviews"]["org_side"].value_labels == {"formeel": "Formeel", "informeel": "Informeel"}
    assert books["gemeenten"]["size_class"].value_labels["<50k"] == "Minder dan 50.000 inwoners"
    # the survey's numeric codes carry the same labels as the string codes elsewhere
    survey_book = books["organisatie_enquete"]
    assert sorted(books["interviews"]["resp_type"].value_labels.values()) == sorted(
        survey_book["resp_type"].value_labels.values()
    )
    assert list(books["verwijzingen"]["from_org_type"].value_labels.values()) == list(
        survey_book["informal_org_type"].value_labels.values()
    )


def test_survey_is_internally_consistent():
    d = survey_numeric()
    informal = d["org_side"] == 2
    assert d["resp_id"].is_unique and d["resp_id"].str.fullmatch(r"R\d{4}").all()
    assert d["municipality_code"].str.fullmatch(r"GM\d{4}").all()
    assert (d["consent_given"] == 1).all() and (d["wave"] == 1).all()
    assert (d["resp_type"].isin([4, 5, 6]) == informal).all()
    # skip logic: system-missing on the other side
    for col in ("informal_org_type", "key_person_paid", "reach_total", "target_pop_estimate"):
        assert (d[col].notna() == informal).all(), col
    assert (d["formal_org_type"].notna() == ~informal).all()
    # sub-counts never exceed their parent
    inf = d[informal]
    assert (inf["reach_new"] <= inf["reach_total"]).all()
    assert (inf["reach_unknown_to_services"] <= inf["reach_total"]).all()
    assert (inf["target_pop_estimate"] > inf["reach_total"]).all()
    assert (d["ref_completed"] <= d["ref_made_total"]).all()
    assert (d["ref_help_started"] <= d["ref_completed"]).all()
    assert (d["ref_feedback_received"] <= d["ref_made_total"]).all()
    # collab_form follows the classification rule of domain brief §9
    structural = (
        (d["agreement_level"] >= 2)
        & (d["funding_horizon"] >= 3)
        & (d["meeting_frequency"] >= 2)
        & (d["named_contact"] == 1)
        & (d["collab_duration_months"] >= 24)
    )
    ad_hoc = (d["meeting_frequency"] <= 1) & (d["agreement_level"] <= 1)
    assert (structural == (d["collab_form"] == 3)).all()
    assert (ad_hoc == (d["collab_form"] == 1)).all()
    # three tiny municipalities with a handful of respondents each
    counts = d["municipality_code"].value_counts()
    assert counts[["GM0096", "GM0088", "GM0277"]].tolist() == [2, 3, 4]
    assert sorted(counts.tolist())[3] >= 5
    assert d["municipality_code"].nunique() == 25


def _listed_names() -> list[str]:
    """Every entry of namenlijst.txt (names, districts, places), as the privacy code reads it."""
    listed = NameList.parse((RAW / "namenlijst.txt").read_text(encoding="utf-8"))
    return [*listed.names, *listed.districts, *listed.places]


def test_open_remarks_hold_no_personal_data():
    d = survey_numeric()
    remarks = d["open_remarks"][d["open_remarks"] != ""]
    assert 0.2 < len(remarks) / len(d) < 0.5
    names = _listed_names()
    assert len(names) > 20
    for text in remarks:
        assert not re.search(r"@|\d{6,}|\b06[- ]?\d{8}\b", text), text
        assert not any(re.search(rf"\b{re.escape(n)}\b", text) for n in names), text


# -- the referral log and the municipality frame -----------------------------------------------------


def test_xlsx_opens_and_links_to_the_survey():
    from openpyxl import load_workbook

    wb = load_workbook(RAW / "verwijzingen.xlsx", read_only=True)
    assert wb.sheetnames == ["verwijzingen"]
    ref = referrals()
    assert 1300 <= len(ref) <= 1700 and ref["ref_id"].is_unique
    d = survey_numeric()
    informal_ids = set(d.loc[d["org_side"] == 2, "resp_id"])
    assert set(ref["from_resp_id"]) <= informal_ids
    assert set(ref["to_org_type"]) <= {
        "schuldhulp",
        "wijkteam",
        "veilig_thuis",
        "voedselbank_kindpakket",
        "huisarts_ggz",
        "politie",
        "overig",
    }
    assert (ref["contact_made"] == ref["date_first_contact"].notna()).all()
    done = ref[ref["contact_made"] == 1]
    assert (done["date_first_contact"] > done["date_referred"]).all()
    per_resp = ref.groupby("from_resp_id").size()
    made = d.set_index("resp_id")["ref_made_total"]
    assert (per_resp <= made[per_resp.index]).all()
    Codebook.from_yaml(BOOKS / "verwijzingen.yml")


def test_each_referral_has_a_theme_drawn_by_destination():
    from analysis.example._referrals import SELF_DETERMINATION, THEMES

    ref = referrals()
    assert list(ref.columns)[-1] == "ref_theme"  # appended: every earlier column kept its place
    assert set(ref["ref_theme"]) == set(THEMES) and ref["ref_theme"].notna().all()
    share = ref["ref_theme"].isin(SELF_DETERMINATION).groupby(ref["to_org_type"]).mean()
    # signals about self-determination go to Veilig Thuis and the police, debts to debt counselling
    assert share["veilig_thuis"] > 0.6 and share["politie"] > 0.6
    assert share["schuldhulp"] < 0.2 and share["voedselbank_kindpakket"] < 0.2
    book = Codebook.from_yaml(BOOKS / "verwijzingen.yml")
    assert book["ref_theme"].value_labels["eergerelateerd_geweld"] == "Eergerelateerd geweld"
    assert book["ref_theme"].value_labels_in("en")["huwelijksdwang"] == "Forced marriage"


def test_the_theme_comes_from_its_own_stream():
    """The log without its theme is what the referral stream alone draws: no other value moved."""
    from analysis.example import _referrals, _survey
    from analysis.example._municipalities import make_municipalities

    r_muni, r_survey, r_ref, _, _ = np.random.default_rng(2019).spawn(5)
    plain = _referrals.make_referrals(r_ref, _survey.make_survey(r_survey, make_municipalities(r_muni)))
    committed = referrals().drop(columns="ref_theme")
    for col in ("date_referred", "date_first_contact"):
        plain[col] = pd.to_datetime(plain[col]).astype(committed[col].dtype)
    assert list(committed.columns) == list(plain.columns)
    pd.testing.assert_frame_equal(committed, plain, check_dtype=False)


def test_the_observation_end_follows_every_date_in_the_log():
    from analysis.example._referrals import OBSERVATION_END

    ref = referrals()
    end = pd.Timestamp(OBSERVATION_END)
    assert end > ref["date_referred"].max() and end >= ref["date_first_contact"].max()
    study = yaml.safe_load((ROOT / "study.yml").read_text(encoding="utf-8"))
    assert study["plan"]["referrals"]["observation_end"] == OBSERVATION_END


def test_municipality_frame():
    g = pd.read_csv(RAW / "gemeenten.csv", dtype={"municipality_code": str})
    assert list(g.columns) == [
        "municipality_code",
        "municipality_name",
        "pop_total",
        "target_pop_estimate",
        "vt_region",
        "size_class",
    ]
    assert g["municipality_code"].is_unique and g["municipality_code"].str.fullmatch(r"GM\d{4}").all()
    assert g.set_index("municipality_code").loc["GM0363", "municipality_name"] == "Amsterdam"
    assert set(survey_numeric()["municipality_code"]) == set(g["municipality_code"])
    assert (g["target_pop_estimate"] < g["pop_total"]).all()
    assert set(g["size_class"]) == {"<50k", "50-100k", "100-250k", ">250k"}


# -- the interviews --------------------------------------------------------------------------------


@pytest.mark.realdata
def test_qdpx_is_valid_refi_qda():
    from lxml import etree

    if not SCHEMA.exists():
        pytest.skip(f"the REFI-QDA schema is not here ({SCHEMA}); it sits beside the repository in CI")
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    doc = etree.ElementTree(interviews()["root"])
    assert schema.validate(doc), str(schema.error_log)


def test_qdpx_structure_offsets_and_links():
    iv = interviews()
    root = iv["root"]
    guids = [e.get("guid") for e in root.iter() if e.get("guid")]
    assert len(guids) == len(set(guids))
    sources = root.findall(".//q:TextSource", NS)
    assert 28 <= len(sources) <= 32
    for src in sources:
        assert f"sources/{src.get('plainTextPath').removeprefix('internal://')}" in iv["texts"]
    for sel in iv["selections"]:
        assert 0 <= sel["start"] < sel["end"] and sel["text"] == sel["text"].strip() and sel["text"]
    words = [len(t.split()) for t in iv["texts"].values()]
    assert min(words) > 200
    d = survey_numeric().set_index("resp_id")
    type_code = {
        "formeel_professional": 1,
        "formeel_leidinggevende": 2,
        "gemeente_beleid": 3,
        "informeel_bestuur": 4,
        "informeel_vrijwilliger": 5,
        "sleutelpersoon": 6,
    }
    linked = [c for c in iv["cases"].values() if c.get("resp_id")]
    assert 8 <= len(linked) <= 22
    for case in linked:
        row = d.loc[case["resp_id"]]
        assert row["resp_type"] == type_code[case["resp_type"]]
        assert row["municipality_code"] == case["municipality_code"]
    names = {c["case"].split(" - ")[1] for c in iv["cases"].values()}
    listed = set(_listed_names())
    assert names <= listed
    corpus = "\n".join(iv["texts"].values())
    assert all(n in corpus for n in listed)
    # the codebook: families A-G with child codes, and the meta-codes
    code_names = {c.get("name") for c in root.iterfind(".//q:Code", NS)}
    assert {"A6 TERUGKOPPELING", "B3 NIET_SERIEUS_GENOMEN", "QUOTE", "CASEBOX", "IDENT"} <= code_names
    Codebook.from_yaml(BOOKS / "interviews.yml")


def test_practice_example_is_coded_casebox():
    boxes = [s for s in interviews()["selections"] if "CASEBOX" in s["codes"] and "kop koffie" in s["text"]]
    assert len(boxes) == 1
    assert "schuldhulp" in boxes[0]["text"] and "G3 GOED_VOORBEELD" in boxes[0]["codes"]


# -- independent recovery of the planted effects (statsmodels / scipy) -------------------------------


@cache
def python_fits() -> dict[str, dict]:
    import statsmodels.api as sm
    import statsmodels.formula.api as smf
    from statsmodels.multivariate.factor import Factor

    out: dict[str, dict] = {}
    d = survey_numeric()
    d["informeel"] = (d["org_side"] == 2).astype(int)
    d["structureel"] = (d["collab_form"] == 3).astype(int)

    inf = d[d["informeel"] == 1]
    nb = sm.NegativeBinomial(
        inf["reach_total"],
        sm.add_constant(inf[["structureel"]].astype(float)),
        exposure=inf["target_pop_estimate"],
        loglike_method="nb2",
    ).fit(
        disp=0,
        maxiter=200,
        cov_type="cluster",
        cov_kwds={"groups": pd.factorize(inf["municipality_code"])[0]},
    )
    lo, hi = np.exp(nb.conf_int().loc["structureel"])
    out["reach_structural"] = {"estimate": float(np.exp(nb.params["structureel"])), "ci": (lo, hi)}

    ref = referrals().assign(warm=lambda r: (r["warm_transfer"] == "ja").astype(int))
    lg = smf.logit("contact_made ~ warm", ref).fit(disp=0)
    out["completion_warm_handover"] = {
        "estimate": float(np.exp(lg.params["warm"])),
        "ci": tuple(np.exp(lg.conf_int().loc["warm"])),
    }
    done = ref[ref["contact_made"] == 1].assign(
        days=lambda r: (r["date_first_contact"] - r["date_referred"]).dt.days,
        structureel=lambda r: (r["collab_form"] == "structureel").astype(int),
    )
    gm = smf.glm("days ~ structureel", done, family=sm.families.Gamma(sm.families.links.Log())).fit()
    out["days_structural"] = {
        "estimate": float(np.exp(gm.params["structureel"])),
        "ci": tuple(np.exp(gm.conf_int().loc["structureel"])),
    }

    ts = d[[f"taken_seriously_{j}" for j in range(1, 5)]].copy()
    ts["taken_seriously_4"] = 6 - ts["taken_seriously_4"]
    d["ts_mean"] = ts.mean(axis=1)
    ols = smf.ols("ts_mean ~ informeel * structureel", d).fit()
    for key, contrast in {
        "taken_seriously_gap_nonstructural": "informeel = 0",
        "taken_seriously_gap_structural": "informeel + informeel:structureel = 0",
        "taken_seriously_interaction": "informeel:structureel = 0",
    }.items():
        t = ols.t_test(contrast)
        out[key] = {"estimate": float(np.squeeze(t.effect)), "ci": tuple(np.squeeze(t.conf_int()))}

    for scale, items in {"taken_seriously": ts, "trust": d[[f"trust_{j}" for j in range(1, 5)]]}.items():
        x = items.dropna().to_numpy(float)
        k = x.shape[1]
        cov = np.cov(x, rowvar=False)
        alpha = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
        lam = np.abs(Factor(x, n_factor=1, method="ml").fit().loadings[:, 0])
        omega = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum())
        out[f"reliability_{scale}"] = {
            "estimate": omega - alpha,
            "alpha": alpha,
            "omega": omega,
            "loadings": lam,
        }
    return out


@cache
def interview_tables() -> dict:
    from scipy import stats

    seg = interviews()["segments"]
    b3 = seg["codes"].map(lambda c: "B3 NIET_SERIEUS_GENOMEN" in c)
    a6 = seg["codes"].map(lambda c: "A6 TERUGKOPPELING" in c)
    table = pd.crosstab(b3, a6).reindex(index=[False, True], columns=[False, True], fill_value=0)
    k, n = int(table.loc[True, True]), int(table.loc[True].sum())
    ci = stats.binomtest(k, n).proportion_ci(method="exact")
    fisher = stats.fisher_exact(table.to_numpy())
    per_doc = seg.assign(b3=b3).groupby("source").agg(b3=("b3", "any"), side=("org_side", "first"))
    shares = per_doc.groupby("side")["b3"].agg(["mean", "size"])
    p_inf, p_for = shares.loc["informeel", "mean"], shares.loc["formeel", "mean"]
    n_inf, n_for = shares.loc["informeel", "size"], shares.loc["formeel", "size"]
    se = np.sqrt(p_inf * (1 - p_inf) / n_inf + p_for * (1 - p_for) / n_for)
    side_table = pd.crosstab(per_doc["side"], per_doc["b3"]).to_numpy()
    return {
        "interviews_b3_a6_cooccurrence": {
            "estimate": k / n,
            "ci": (ci.low, ci.high),
            "p_a6_given_no_b3": table.loc[False, True] / table.loc[False].sum(),
            "fisher": fisher,
            "n_b3": n,
        },
        "interviews_b3_by_side": {
            "estimate": p_inf - p_for,
            "ci": (p_inf - p_for - 1.96 * se, p_inf - p_for + 1.96 * se),
            "fisher": stats.fisher_exact(side_table),
            "p_informeel": p_inf,
            "p_formeel": p_for,
        },
    }


CI_EFFECTS = (
    "reach_structural",
    "completion_warm_handover",
    "days_structural",
    "taken_seriously_gap_nonstructural",
    "taken_seriously_gap_structural",
    "taken_seriously_interaction",
)


@pytest.mark.parametrize("effect", CI_EFFECTS)
def test_python_recovers_planted_effect(effect):
    truth = planted()[effect]
    fit = python_fits()[effect]
    assert contains(fit["ci"], truth["true_value"]), (
        f"{effect}: true {truth['true_value']} outside {fit['ci']}"
    )
    assert not contains(fit["ci"], truth["null_value"]), f"{effect}: CI {fit['ci']} includes the null"


@pytest.mark.parametrize("scale", ["taken_seriously", "trust"])
def test_python_omega_exceeds_alpha(scale):
    truth = planted()[f"reliability_{scale}"]
    fit = python_fits()[f"reliability_{scale}"]
    assert fit["omega"] > fit["alpha"]
    assert truth["omega"] > truth["alpha"]
    # near the population values (5-point answers and group differences move them a little)
    assert abs(fit["alpha"] - truth["alpha"]) < 0.06 and abs(fit["omega"] - truth["omega"]) < 0.06
    # the loadings keep their planted order: the first item loads highest, the last lowest
    assert np.argmax(fit["loadings"]) == 0 and np.argmin(fit["loadings"]) == len(fit["loadings"]) - 1


def test_python_recovers_interview_effects():
    tables = interview_tables()
    co = tables["interviews_b3_a6_cooccurrence"]
    truth = planted()["interviews_b3_a6_cooccurrence"]
    assert contains(co["ci"], truth["true_value"])
    assert co["p_a6_given_no_b3"] < co["ci"][0], "A6 must be far more likely with B3 than without"
    assert co["fisher"].statistic > 5 and co["fisher"].pvalue < 1e-6
    side = tables["interviews_b3_by_side"]
    truth = planted()["interviews_b3_by_side"]
    assert contains(side["ci"], truth["true_value"]) and not contains(side["ci"], 0.0)
    assert side["fisher"].pvalue < 0.05
    assert abs(side["p_informeel"] - truth["p_informeel"]) < 0.05
    assert abs(side["p_formeel"] - truth["p_formeel"]) < 0.05


# -- the R reference -----------------------------------------------------------------------------------


def test_r_reference_was_made_from_these_files():
    ref = reference()
    assert ref["generated_by"] == "tests/reference/planted_effects.R"
    assert set(planted()) <= set(ref["effects"])


def test_r_haven_reads_labels_and_user_missing():
    h = reference()["haven"]
    _, meta = survey()
    assert h["file_label"] == meta.file_label
    assert "haven_labelled_spss" in h["trust_1_class"]
    assert h["trust_1_na_values"] == [8, 9]
    assert h["trust_1_labels"]["8"] == "Weet niet" and h["trust_1_labels"]["9"] == "N.v.t."
    assert h["taken_seriously_4_label"] == meta.column_names_to_labels["taken_seriously_4"]
    assert h["resp_type_labels"]["6"] == "Sleutelpersoon"
    assert h["resp_type_labels"] == {
        str(int(k)): v for k, v in meta.variable_value_labels["resp_type"].items()
    }
    assert h["survey_date_class"] == "Date" and h["survey_date_format"] == "DATE11"
    df, _ = survey()
    assert h["trust_1_n_code_8"] == int((df["trust_1"] == 8).sum())
    assert h["trust_1_n_code_9"] == int((df["trust_1"] == 9).sum())
    assert h["formal_org_type_n_missing"] == int(df["formal_org_type"].isna().sum())


@pytest.mark.parametrize(
    "effect",
    [*CI_EFFECTS, "reach_structural_glmer", "interviews_b3_a6_cooccurrence", "interviews_b3_by_side"],
)
def test_r_recovers_planted_effect(effect):
    truth = planted()[effect.removesuffix("_glmer")]
    r = reference()["effects"][effect]
    ci = (r["ci_low"], r["ci_high"])
    assert contains(ci, truth["true_value"]), f"R {effect}: true {truth['true_value']} outside {ci}"
    if isinstance(truth["null_value"], (int, float)):
        assert not contains(ci, truth["null_value"]), f"R {effect}: CI {ci} includes the null"


def test_r_glmer_recovers_the_municipality_variation():
    r = reference()["effects"]["reach_structural_glmer"]
    truth = planted()["reach_structural"]["parameters"]
    assert 0.1 < r["municipality_sd"] < 0.45, r["municipality_sd"]
    assert 0.2 < 1 / r["theta"] < 0.7, 1 / r["theta"]
    assert truth["municipality_sd_log"] == 0.25


@pytest.mark.parametrize(
    ("effect", "rel_estimate", "rel_ci"),
    [
        # same model, same estimator: the point estimates must agree closely
        ("reach_structural", 1e-3, None),  # Python CI is cluster-robust, R's is model-based
        ("completion_warm_handover", 1e-6, 1e-4),
        ("days_structural", 1e-6, 1e-4),
        ("taken_seriously_gap_nonstructural", 1e-8, 1e-8),
        ("taken_seriously_gap_structural", 1e-8, 1e-8),
        ("taken_seriously_interaction", 1e-8, 1e-8),
    ],
)
def test_python_and_r_agree(effect, rel_estimate, rel_ci):
    py, r = python_fits()[effect], reference()["effects"][effect]
    assert py["estimate"] == pytest.approx(r["estimate"], rel=rel_estimate)
    if rel_ci is not None:
        assert py["ci"][0] == pytest.approx(r["ci_low"], rel=rel_ci)
        assert py["ci"][1] == pytest.approx(r["ci_high"], rel=rel_ci)


@pytest.mark.parametrize("scale", ["taken_seriously", "trust"])
def test_python_and_r_agree_on_reliability(scale):
    py, r = python_fits()[f"reliability_{scale}"], reference()["effects"][f"reliability_{scale}"]
    assert py["alpha"] == pytest.approx(r["alpha"], rel=1e-8)
    assert py["omega"] == pytest.approx(r["omega"], abs=2e-3)
    assert r["omega"] > r["alpha"] and r["omega_psych_total"] > r["alpha"]
    assert contains((r["alpha_ci_low"], r["alpha_ci_high"]), py["alpha"])


def test_python_and_r_agree_on_interviews():
    py, r = interview_tables(), reference()["effects"]
    assert py["interviews_b3_a6_cooccurrence"]["n_b3"] == r["interviews_b3_a6_cooccurrence"]["n_b3"]
    assert py["interviews_b3_a6_cooccurrence"]["estimate"] == pytest.approx(
        r["interviews_b3_a6_cooccurrence"]["estimate"]
    )
    assert py["interviews_b3_by_side"]["estimate"] == pytest.approx(r["interviews_b3_by_side"]["estimate"])
