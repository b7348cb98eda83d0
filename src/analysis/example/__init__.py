"""The example study: synthetic data in real formats, with planted effects.

:func:`write_study` writes a complete, clearly labelled SYNTHETIC study into a folder
(``data/raw`` by default, via ``bruggen example``):

========================  ===================================================================
``organisatie_enquete.sav``  survey of formal and informal organisations (SPSS, with variable
                          and value labels, user-missing codes 8/9, measurement levels)
``verwijzingen.xlsx``     referral log, one row per referral (Excel)
``gemeenten.csv``         municipality frame: real CBS codes and names, synthetic numbers
``interviews.qdpx``       about thirty invented, coded interviews (REFI-QDA project); eight
                          of them coded a second time by a check coder
``namenlijst.txt``        every pseudonym and place used in the transcripts
``PLANTED.yml``           the planted effects: model, true value, scale, seed
``README.md``             what the folder holds, and that it is synthetic
========================  ===================================================================

and the matching codebooks into ``<out_dir>/../codebooks/`` (``data/codebooks``).

The same seed gives byte-identical files: every draw comes from one
``numpy.random.default_rng(seed)`` (split into independent streams per dataset with
:meth:`numpy.random.Generator.spawn`), and the time stamps that SPSS, Excel and zip files
normally carry are pinned (see :mod:`analysis.example._files`).

Examples
--------
>>> import tempfile
>>> from analysis.example import write_study
>>> with tempfile.TemporaryDirectory() as tmp:  # doctest: +SKIP
...     paths = write_study(tmp, seed=7)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import yaml

from analysis.example import _codebooks, _files, _interviews, _referrals, _survey
from analysis.example._municipalities import make_municipalities

__all__ = ["DEFAULT_SEED", "planted", "write_study"]

DEFAULT_SEED = 2019
FILE_LABEL = "SYNTHETISCHE DATA - voorbeeldstudie Bruggen (seed {seed})"


def write_study(
    out_dir: str | Path, seed: int = DEFAULT_SEED, codebooks_dir: str | Path | None = None
) -> list[Path]:
    """Generate the synthetic example study and write its files.

    Parameters
    ----------
    out_dir
        Folder for the raw files (created if needed), normally ``data/raw``.
    seed
        Random seed. The same seed gives byte-identical files.
    codebooks_dir
        Folder for the codebooks; default the sibling folder ``codebooks`` of ``out_dir``
        (``data/codebooks`` for ``data/raw``).

    Returns
    -------
    list of Path
        Every file written, raw files first, then codebooks.

    Notes
    -----
    The planted effects, with the models that recover them and their true values, are
    written to ``PLANTED.yml``; :func:`planted` returns the same content.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    books_dir = Path(codebooks_dir) if codebooks_dir is not None else out.parent / "codebooks"
    books_dir.mkdir(parents=True, exist_ok=True)

    rng = np.random.default_rng(seed)
    r_muni, r_survey, r_ref, r_interviews, r_guids = rng.spawn(5)
    (r_themes,) = rng.spawn(1)  # spawned later: the five streams above stay as they were
    (r_check,) = rng.spawn(1)  # the check coder's second coding, later still in the same way
    municipalities = make_municipalities(r_muni)
    survey = _survey.make_survey(r_survey, municipalities)
    referrals = _referrals.add_themes(r_themes, _referrals.make_referrals(r_ref, survey))
    interviews = _interviews.make_interviews(r_interviews, survey, municipalities)
    check = _interviews.double_code(r_check, interviews)

    books = {
        "organisatie_enquete": _codebooks.survey_codebook(seed),
        "verwijzingen": _codebooks.referrals_codebook(seed),
        "gemeenten": _codebooks.municipalities_codebook(seed),
        "interviews": _codebooks.interviews_codebook(seed),
    }

    written = [
        _write_survey(survey, books["organisatie_enquete"], out / "organisatie_enquete.sav", seed),
        _write_referrals(referrals, out / "verwijzingen.xlsx", seed),
        _write_csv(municipalities, out / "gemeenten.csv"),
        _files.write_zip(
            out / "interviews.qdpx",
            _interviews.project_members(r_guids, interviews, seed=seed, check=check),
        ),
        _write_text(out / "namenlijst.txt", _interviews.names_used(interviews)),
        _write_text(
            out / "PLANTED.yml",
            _planted_yaml(seed, _double_coding_realised(interviews, check)),
        ),
        _write_text(out / "README.md", README.format(seed=seed)),
    ]
    for name, book in books.items():
        path = books_dir / f"{name}.yml"
        book.to_yaml(path)
        written.append(path)
    return written


# -- writers ---------------------------------------------------------------------------------


def _write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def _write_csv(frame: Any, path: Path) -> Path:
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


def _write_survey(frame: Any, book: Any, path: Path, seed: int) -> Path:
    labels = {v.name: v.label for v in book}
    value_labels = {v.name: dict(v.value_labels) for v in book if v.value_labels and v.type == "numeric"}
    missing = {v.name: list(v.missing_values) for v in book if v.missing_values}
    measure = {v.name: v.measure for v in book if v.measure in ("nominal", "ordinal", "scale")}
    formats = {v.name: v.format for v in book if v.format and not v.format.startswith("A")}
    return _files.write_sav(
        frame[book.names],
        path,
        file_label=FILE_LABEL.format(seed=seed),
        note=[  # SPSS document lines hold at most 80 characters
            "SYNTHETISCHE DATA: voorbeeldstudie Bruggen, geen echte respondenten.",
            f"Gemaakt door `bruggen example` (analysis.example), seed {seed}.",
            "Ingeplante effecten: zie PLANTED.yml naast dit bestand.",
        ],
        column_labels=labels,
        variable_value_labels=value_labels,
        missing_ranges=missing,
        variable_measure=measure,
        variable_format=formats,
    )


def _write_referrals(frame: Any, path: Path, seed: int) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "verwijzingen"
    ws.append(list(frame.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    date_cols = [i + 1 for i, c in enumerate(frame.columns) if c.startswith("date_")]
    for row in frame.itertuples(index=False):
        ws.append([None if v is None else (v.item() if hasattr(v, "item") else v) for v in row])
    for col in date_cols:
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKL", (9, 18, 13, 26, 14, 24, 14, 18, 14, 11, 13, 22), strict=True):
        ws.column_dimensions[letter].width = width
    props = wb.properties
    props.creator = "Bruggen voorbeeldstudie"
    props.title = "Verwijslog (SYNTHETISCHE DATA)"
    props.description = (
        f"SYNTHETISCHE DATA, gemaakt door analysis.example (seed {seed}). Geen echte cliënten."
    )
    props.lastModifiedBy = "Bruggen voorbeeldstudie"
    return _files.write_xlsx(wb, path)


# -- planted effects ----------------------------------------------------------------------------


def planted(seed: int = DEFAULT_SEED, double_coding: dict[str, Any] | None = None) -> dict[str, Any]:
    """The planted effects of the example study, as written to ``PLANTED.yml``.

    Parameters
    ----------
    seed
        The seed to record (the true values do not depend on it, except the expected
        intercoder agreement, which is computed on the first coding of the double-coded
        segments that this seed draws).
    double_coding
        That realisation (:func:`_double_coding_realised`), when the caller has the
        interviews at hand; default: drawn again from ``seed``.

    Returns
    -------
    dict
        ``{"synthetic": True, "seed": ..., "effects": [...]}``; each effect has ``id``,
        ``sentence``, ``dataset``, ``outcome``, ``predictors``, ``model``, ``true_value``
        and ``scale``, plus the other generating parameters.
    """
    sv, rf, iv = _survey, _referrals, _interviews
    ts = sv.taken_seriously_factor_means()
    rel = {scale: sv.population_reliability(sv.LOADINGS[scale]) for scale in ("taken_seriously", "trust")}
    ts_items = "mean of taken_seriously_1..4 with taken_seriously_4 reversed (6 - x); 8 and 9 are missing"
    effects: list[dict[str, Any]] = [
        {
            "id": "reach_structural",
            "sentence": (
                "Informele organisaties met een structurele samenwerking bereiken per 1.000 personen uit hun "
                "doelgroep anderhalf keer zoveel mensen als bij ad-hoc- of projectmatige samenwerking."
            ),
            "dataset": "organisatie_enquete",
            "outcome": "reach_total",
            "predictors": ["collab_form"],
            "contrast": "collab_form == 3 (structureel) against 1 and 2 (ad_hoc, projectmatig), which do not differ",
            "model": {
                "family": "negative binomial (NB2: Var = mu + alpha * mu^2)",
                "link": "log",
                "exposure": "target_pop_estimate",
                "offset": "log(target_pop_estimate)",
                "random_effects": "municipality_code: normal random intercept, sd 0.25 on the log scale",
                "filter": "org_side == 2 (informeel)",
            },
            "true_value": sv.REACH_RATE_RATIO_STRUCTURAL,
            "realisation": "random draws (gamma-Poisson mixture, normal municipality effects)",
            "null_value": 1.0,
            "scale": "rate ratio",
            "parameters": {
                "reach_per_1000_ad_hoc_and_projectmatig": sv.REACH_BASE_RATE * 1000,
                "rate_ratio_projectmatig_vs_ad_hoc": 1.0,
                "nb_alpha": sv.REACH_NB_ALPHA,
                "nb_theta": 1 / sv.REACH_NB_ALPHA,
                "municipality_sd_log": sv.REACH_MUNICIPALITY_SD,
            },
        },
        {
            "id": "completion_warm_handover",
            "sentence": (
                "Verwijzingen met een warme overdracht worden vaker voltooid (eerste contact met de "
                "hulpverlener): de odds zijn twee keer zo groot."
            ),
            "dataset": "verwijzingen",
            "outcome": "contact_made",
            "predictors": ["warm_transfer"],
            "contrast": "warm_transfer == 'ja' against 'nee'",
            "model": {
                "family": "binomial",
                "link": "logit",
                "random_effects": "none (completion depends on warm_transfer only)",
                "filter": "none",
            },
            "true_value": rf.COMPLETION_OR_WARM,
            "realisation": (
                "fixed margins: within each warm_transfer group exactly round(n * p) referrals are completed "
                "(which ones is random), so the sample odds ratio equals the planted one up to rounding"
            ),
            "null_value": 1.0,
            "scale": "odds ratio",
            "parameters": {
                "p_completed_without_warm_handover": rf.P_COMPLETED_COLD,
                "p_warm_handover": rf.P_WARM,
            },
        },
        {
            "id": "days_structural",
            "sentence": (
                "Na een verwijzing door een partner met een structurele samenwerking komt het eerste contact "
                "sneller tot stand: gemiddeld in 60% van de tijd."
            ),
            "dataset": "verwijzingen",
            "outcome": "date_first_contact - date_referred (days)",
            "predictors": ["collab_form"],
            "contrast": "collab_form == 'structureel' against 'ad_hoc' and 'projectmatig', which do not differ",
            "model": {
                "family": "gamma",
                "link": "log",
                "random_effects": "none",
                "filter": "contact_made == 1 (date_first_contact filled in)",
            },
            "true_value": rf.DAYS_RATIO_STRUCTURAL,
            "realisation": (
                "stratified (Latin hypercube) gamma draws within each group of completed referrals, so the "
                "sample means sit close to the planted means"
            ),
            "null_value": 1.0,
            "scale": "ratio of mean days",
            "parameters": {
                "mean_days_ad_hoc_and_projectmatig": rf.DAYS_MEAN_BASE,
                "gamma_shape": rf.DAYS_GAMMA_SHAPE,
                "note": "whole days: ceil() of a gamma variate with mean (m - 0.5), so the mean stays m",
            },
        },
        {
            "id": "taken_seriously_gap_nonstructural",
            "sentence": (
                "Informele respondenten voelen zich minder serieus genomen dan formele: bij ad-hoc- en "
                "projectmatige samenwerking scoren zij 0,8 punt lager (schaal 1-5)."
            ),
            "dataset": "organisatie_enquete",
            "outcome": ts_items,
            "predictors": ["org_side", "collab_form"],
            "contrast": "org_side 2 minus 1, within collab_form in (1, 2)",
            "model": {
                "family": "gaussian (linear model)",
                "link": "identity",
                "formula": "ts_mean ~ informeel * structureel",
                "coefficient": "informeel",
                "random_effects": "none",
                "filter": "none",
            },
            "true_value": sv.TS_GAP_NONSTRUCTURAL,
            "null_value": 0.0,
            "scale": "difference in means on the 1-5 scale",
        },
        {
            "id": "taken_seriously_gap_structural",
            "sentence": "Bij structurele samenwerking is dat verschil kleiner: 0,3 punt.",
            "dataset": "organisatie_enquete",
            "outcome": ts_items,
            "predictors": ["org_side", "collab_form"],
            "contrast": "org_side 2 minus 1, within collab_form == 3",
            "model": {
                "family": "gaussian (linear model)",
                "link": "identity",
                "formula": "ts_mean ~ informeel * structureel",
                "coefficient": "informeel + informeel:structureel",
                "random_effects": "none",
                "filter": "none",
            },
            "true_value": sv.TS_GAP_STRUCTURAL,
            "null_value": 0.0,
            "scale": "difference in means on the 1-5 scale",
        },
        {
            "id": "taken_seriously_interaction",
            "sentence": "Structurele samenwerking verkleint de achterstand van informele respondenten met 0,5 punt.",
            "dataset": "organisatie_enquete",
            "outcome": ts_items,
            "predictors": ["org_side", "collab_form"],
            "contrast": "(gap within structureel) minus (gap within ad_hoc/projectmatig)",
            "model": {
                "family": "gaussian (linear model)",
                "link": "identity",
                "formula": "ts_mean ~ informeel * structureel",
                "coefficient": "informeel:structureel",
                "random_effects": "none",
                "filter": "none",
            },
            "true_value": round(sv.TS_GAP_STRUCTURAL - sv.TS_GAP_NONSTRUCTURAL, 10),
            "null_value": 0.0,
            "scale": "difference in differences on the 1-5 scale",
            "parameters": {
                "factor_means": {
                    f"{side}_{'structureel' if s else 'niet_structureel'}": v for (side, s), v in ts.items()
                },
                "thresholds": list(sv.THRESHOLDS),
                "note": (
                    "items are 5-point cuts of N(loading * factor mean, 1); the factor means are solved so the "
                    "expected scale means differ by exactly the planted gaps"
                ),
            },
        },
    ]
    for scale in ("taken_seriously", "trust"):
        r = rel[scale]
        effects.append(
            {
                "id": f"reliability_{scale}",
                "sentence": (
                    f"De items van de schaal {sv.SCALE_TITLES[scale]} laden ongelijk op de factor, dus "
                    "McDonald's omega is hoger dan Cronbach's alfa."
                ),
                "dataset": "organisatie_enquete",
                "outcome": f"{scale}_1..{len(sv.LOADINGS[scale])}"
                + (" (item 4 reversed)" if scale == "taken_seriously" else ""),
                "predictors": [],
                "model": {
                    "family": "one-factor congeneric measurement model",
                    "link": "none",
                    "random_effects": "none",
                    "filter": "complete cases on the items (8 and 9 missing)",
                },
                "true_value": round(r["omega"] - r["alpha"], 6),
                "null_value": 0.0,
                "scale": "omega minus alpha",
                "alpha": round(r["alpha"], 6),
                "omega": round(r["omega"], 6),
                "loadings": list(sv.LOADINGS[scale]),
                "note": (
                    "alpha and omega are population values for the continuous standardised item responses "
                    "within one group; 5-point answers lower both a little, and the formal/informal mean "
                    "differences raise them a little, so estimates land near (not exactly on) these values; "
                    "the planted claim is omega > alpha"
                ),
            }
        )
    effects += [
        {
            "id": "interviews_b3_a6_cooccurrence",
            "sentence": (
                "Wie zich niet serieus genomen voelt (B3), heeft het in hetzelfde fragment meestal ook over "
                "het uitblijven van terugkoppeling (A6)."
            ),
            "dataset": "interviews",
            "outcome": "A6 TERUGKOPPELING coded on the same answer segment",
            "predictors": ["B3 NIET_SERIEUS_GENOMEN coded on that segment"],
            "model": {
                "family": "binomial (2x2 table of answer segments)",
                "link": "none",
                "unit": (
                    "answer segment: a PlainTextSelection carrying substantive codes (families A-G); two codes "
                    "co-occur when they are applied to the same selection"
                ),
                "random_effects": "none",
                "filter": "selections with at least one A-G code",
            },
            "true_value": iv.P_A6_GIVEN_B3,
            "realisation": "fixed margin: round(0.75 * number of B3 segments) of them carry A6 (which ones is random)",
            "null_value": "P(A6 | no B3)",
            "scale": "conditional probability P(A6 | B3) per segment",
            "parameters": {
                "p_a6_given_no_b3": (
                    f"{iv.P_A6_OTHER} in segments on the topics {', '.join(_texts_topics())}; 0 elsewhere"
                ),
                "b3_segments_per_interview_with_b3": "1 + Binomial(2, 0.5), within those topics",
            },
        },
        {
            "id": "interviews_b3_by_side",
            "sentence": "Niet serieus genomen worden (B3) komt vooral ter sprake in interviews aan de informele kant.",
            "dataset": "interviews",
            "outcome": "interview has at least one B3 NIET_SERIEUS_GENOMEN coding",
            "predictors": ["org_side (case variable)"],
            "model": {
                "family": "binomial (one row per interview)",
                "link": "none",
                "random_effects": "none",
                "filter": "none",
            },
            "true_value": round(iv.P_B3_INTERVIEW["informeel"] - iv.P_B3_INTERVIEW["formeel"], 10),
            "realisation": "fixed margins: round(p * n) interviews per side have B3 (which ones is random)",
            "null_value": 0.0,
            "scale": "difference in proportions (informeel minus formeel)",
            "p_informeel": iv.P_B3_INTERVIEW["informeel"],
            "p_formeel": iv.P_B3_INTERVIEW["formeel"],
            "parameters": {"interviews": dict(iv.DESIGN)},
        },
    ]
    realised = double_coding if double_coding is not None else _double_coding_for_seed(seed)
    effects.append(
        {
            "id": "interviews_intercoder_agreement",
            "sentence": (
                "Een tweede codeur codeert acht interviews opnieuw: ze neemt de meeste codes van de eerste "
                "codering over en voegt er soms een toe, een sterke maar geen volmaakte overeenstemming."
            ),
            "dataset": "interviews",
            "outcome": f"the check coder ({iv.CHECK_CODER}) applies a code to an answer segment",
            "predictors": ["the first coder applied that code to that segment"],
            "model": {
                "family": "Bernoulli per answer segment and code",
                "link": "none",
                "unit": (
                    "answer segment of a double-coded interview: the check coder's PlainTextSelection has the "
                    "same start and end as the first coder's"
                ),
                "random_effects": "none",
                "filter": "the double-coded interviews; substantive codes (families A-G)",
            },
            "true_value": realised["expected_kappa_pooled"],
            "realisation": realised,
            "null_value": 0.0,
            "scale": "Cohen's kappa of the check coder against the first coding, pooled over codes",
            "parameters": {
                "p_keep": iv.P_KEEP,
                "q_spurious": iv.P_SPURIOUS,
                "double_coded_per_respondent_type": dict(iv.DOUBLE_CODED),
            },
        }
    )
    return {
        "synthetic": True,
        "seed": seed,
        "generator": "analysis.example.write_study",
        "note": (
            "SYNTHETISCHE DATA. These are the data-generating values of the example study. Every effect is "
            "recovered independently in tests/test_example.py (statsmodels, scipy) and "
            "tests/reference/planted_effects.R (R: MASS, lme4, psych)."
        ),
        "effects": effects,
    }


def _texts_topics() -> tuple[str, ...]:
    from analysis.example._texts import A6_TOPICS

    return A6_TOPICS


def _planted_yaml(seed: int, double_coding: dict[str, Any] | None = None) -> str:
    header = "# SYNTHETISCHE DATA: the planted effects of the Bruggen example study. Written by analysis.example.\n"
    content = planted(seed, double_coding)
    return header + yaml.safe_dump(_plain(content), sort_keys=False, allow_unicode=True, width=100)


def _double_coding_realised(interviews: list[Any], check: Any) -> dict[str, Any]:
    """The double coding as drawn: p, q, the interviews, and the expected agreement on them."""
    iv = _interviews
    expected = iv.expected_agreement(interviews, check)
    titles = [x.title for x in interviews if x.number in check.selections]
    return {
        "p_keep": iv.P_KEEP,
        "q_spurious": iv.P_SPURIOUS,
        "check_coder": iv.CHECK_CODER,
        "double_coded_interviews": titles,
        "n_segments": expected["n_segments"],
        "expected_kappa_pooled": expected["pooled"]["kappa"],
        "expected_agreement_pooled": expected["pooled"]["agreement"],
        "expected_kappa_per_code": {code: v["kappa"] for code, v in expected["per_code"].items()},
        "note": (
            "the check coder applies each code of the first coding to the same answer segment with "
            "probability p_keep, and with probability q_spurious adds one code of the segment's topic that "
            "the first coder did not apply (drawn uniformly). Expected values are those of the expected 2x2 "
            "table per code given the first coding of these segments; pooled: the tables of all codes added."
        ),
    }


def _double_coding_for_seed(seed: int) -> dict[str, Any]:
    """:func:`_double_coding_realised` for ``seed``, drawn again as :func:`write_study` draws it."""
    rng = np.random.default_rng(seed)
    r_muni, r_survey, _, r_interviews, _ = rng.spawn(5)
    rng.spawn(1)  # the referral themes' stream
    (r_check,) = rng.spawn(1)
    municipalities = make_municipalities(r_muni)
    survey = _survey.make_survey(r_survey, municipalities)
    interviews = _interviews.make_interviews(r_interviews, survey, municipalities)
    return _double_coding_realised(interviews, _interviews.double_code(r_check, interviews))


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, (np.floating, float)):
        return round(float(obj), 10)
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


README = """# data/raw: the example study (SYNTHETISCHE DATA)

**Everything in this folder is synthetic.** No real respondents, organisations, clients or
interviews. The municipality codes and names are real (CBS); every other value was drawn by
`analysis.example.write_study` with seed {seed}, from a model with planted effects.

| file | what it is |
|---|---|
| `organisatie_enquete.sav` | survey of formal and informal organisations and key persons (SPSS: labels, value labels, user-missing 8 = weet niet, 9 = n.v.t.) |
| `verwijzingen.xlsx` | referral log, one row per referral, no client identifiers (`from_resp_id` links to the survey) |
| `gemeenten.csv` | municipality frame: CBS code, name, approximate population, synthetic target-group size, Veilig Thuis region, size class |
| `interviews.qdpx` | about thirty invented, coded interviews (REFI-QDA project; code book after domain brief §7) |
| `namenlijst.txt` | every pseudonym and place used in the transcripts, for the privacy checker |
| `PLANTED.yml` | the planted effects: model, true value, scale, seed |

Do not edit these files by hand: `tests/test_example.py` checks that they equal the output of
`bruggen example --seed {seed}` byte for byte. To change them, change `src/analysis/example/`
and run `bruggen example` (or `make example`). The codebooks are in `data/codebooks/`.
"""
