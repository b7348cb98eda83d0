"""Survey rules and cross-dataset rules, declared as data.

Within a dataset the rules become great-expectations expectations in the dataset's suite
(generated, like the codebook checks), so they run and are reported the same way:

``skip_logic``
    From each variable's ``applies_to`` (a pandas query on the stored codes, such as
    ``kant == 2``): outside it the variable is empty (a user-missing code such as
    9 "n.v.t." counts as empty). Rule ``<dataset>.skip_logic.<variable>``.
``subcount``
    A sub-count never exceeds its total, where both are given. Rule
    ``<dataset>.subcount.<sub>``. The plan implies one (persons reached who were unknown to
    formal services never exceed persons reached); add your own in study.yml.
``date_order``
    A later date is not before an earlier one. Rule ``<dataset>.date_order.<later>``. The
    plan implies one (a referral's first contact is not before the referral).
``scale``
    The items of a multi-item scale (``scale:`` in the codebook) are declared on one scale:
    the same valid codes (or bounds) and the same missing codes, so a scale score never
    mixes a 1-5 item with a 1-7 one. Each item's values are held to that scale by its own
    ``value_set`` (or ``range``) check. Rule ``<dataset>.scale.<scale>``.
``consent``
    Every row has consent: the consent variable (``plan.survey.consent``, or those listed
    under ``validation: consent``) holds the "ja" code (the value label ``ja``, ``yes``,
    ``akkoord`` or ``toestemming``). Rule ``<dataset>.consent.<variable>``.

Across datasets (:func:`cross_checks`, run by the gate on the loaded data):

``references``
    A key column (``unique: true`` in its codebook, such as a municipality frame's code or a
    survey's respondent number) defines the valid values for a column of the same name in
    every other dataset, and in the tables of a multi-table source (interview ``cases``).
    The plan's bindings add the references it implies (a referral's sender is a survey
    respondent), whatever the columns are called. Rule ``<dataset>.references.<column>`` (``<dataset>.<table>.references.<column>``
    for a table).
``codes``
    Every code used in a coding of a REFI-QDA project exists in the project's codebook.
    Rule ``<dataset>.codes.known``.

study.yml may add rules (all optional; the rules the plan implies always apply unless
``builtin: false``)::

    validation:
      builtin: true                      # false: no rules implied by the plan or by key columns
      subcounts:                         # [sub, total]: sub <= total
        - [bereik_vrouwen, bereik_totaal]
      date_order:                        # [earlier, later]
        - [datum_aanmelding, datum_intake]
      consent: [toestemming]             # variables that must hold the "ja" code
      references:                        # from -> to, as dataset.column or dataset.table.column
        - {from: log.verwijzer, to: enquete.respnr}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from analysis.validate.checks import wording

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from analysis.codebook import Codebook
    from analysis.ingest import Dataset

_YES = re.compile(r"^\s*(ja|yes|akkoord|toestemming|ik geef toestemming)\b", re.IGNORECASE)


def _pairs(config: dict[str, Any] | None, key: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for pair in (config or {}).get(key) or []:
        a, b = (str(x) for x in pair)
        if (a, b) not in out:
            out.append((a, b))
    return out


def yes_code(codebook: Codebook, name: str) -> Any | None:
    """The code of a consent variable whose value label says "ja" (``None`` if none does)."""
    var = codebook[name]
    for code, label in sorted(var.valid_labels.items(), key=lambda kv: str(kv[0])):
        if _YES.match(str(label)) and not re.search(r"\b(geen|niet|no|not)\b", str(label), re.IGNORECASE):
            return code
    return None


def rule_expectations(codebook: Codebook, config: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The survey rules that apply to a codebook, as great-expectations configuration dicts.

    Parameters
    ----------
    codebook
        The dataset's codebook (rules apply where their variables exist).
    config
        The study's rules (:meth:`analysis.study.Study.validation_rules`: the ``validation:``
        section plus the rules its analysis plan implies), or ``None``.

    Returns
    -------
    list of dict
        ``{"type", "kwargs", "meta": {"generated": true, "check": ...}}``.
    """
    out: list[dict[str, Any]] = []
    config = config or {}

    # skip logic, one expectation per distinct applies_to
    groups: dict[str, list[str]] = {}
    for v in codebook.variables:
        if v.applies_to:
            groups.setdefault(v.applies_to, []).append(v.name)
    for condition, cols in groups.items():
        kwargs: dict[str, Any] = {"column_list": cols, "condition": condition}
        allowed = {c: list(codebook[c].missing_values) for c in cols if codebook[c].missing_values}
        if allowed:
            kwargs["allowed"] = allowed
        out.append(_gen("expect_columns_values_to_be_null_outside", kwargs, "skip_logic"))

    for check, key in (("subcount", "subcounts"), ("date_order", "date_order")):
        pairs = [[high, low] for low, high in _pairs(config, key) if low in codebook and high in codebook]
        if pairs:
            kwargs = {"pairs": pairs}
            ignore = {
                c: list(codebook[c].missing_values)
                for pair in pairs
                for c in pair
                if codebook[c].missing_values
            }
            if ignore:
                kwargs["ignore_values"] = ignore
            out.append(_gen("expect_column_pairs_to_be_ordered", kwargs, check))

    consent = config.get("consent") or []
    names = [consent] if isinstance(consent, str) else list(consent)
    for name in names:
        if name not in codebook:
            continue
        code = yes_code(codebook, name)
        kwargs = {"column_list": [name], "value_set": [code] if code is not None else [], "allow_null": False}
        if code is None:
            out.append(_gen("expect_columns_values_to_not_be_null", {"column_list": [name]}, "consent"))
        else:
            out.append(_gen("expect_columns_values_to_be_in_set", kwargs, "consent"))
    return out


def scale_checks(codebook: Codebook) -> list[tuple[str, list[str], str]]:
    """Per scale: ``(scale, items, problem)``; ``problem`` is empty when the items agree.

    Items agree when they have the same valid codes (value labels without the missing
    codes), the same bounds and the same missing codes.
    """
    out = []
    for scale, items in codebook.scales().items():

        def declared(v):
            return (
                tuple(sorted(map(str, v.valid_labels))),
                (v.minimum, v.maximum),
                tuple(sorted(map(str, v.missing_values))),
            )

        forms: dict[tuple, list[str]] = {}
        for v in items:
            forms.setdefault(declared(v), []).append(v.name)
        problem = ""
        if len(forms) > 1:
            groups = sorted(forms.items(), key=lambda kv: -len(kv[1]))
            odd = [n for _, names in groups[1:] for n in names]
            problem = wording("messages")["scale_problem"].format(scale=scale, items=", ".join(odd))
        out.append((scale, [v.name for v in items], problem))
    return out


def _gen(type_: str, kwargs: dict[str, Any], check: str) -> dict[str, Any]:
    return {"type": type_, "kwargs": kwargs, "meta": {"generated": True, "check": check}}


# -- cross-dataset rules ------------------------------------------------------------------------
@dataclass(frozen=True)
class Reference:
    """Values of ``source`` must occur in ``target``; each is ``(dataset, table, column)``.

    ``table`` is ``None`` for the dataset's main frame.
    """

    source: tuple[str, str | None, str]
    target: tuple[str, str | None, str]

    @property
    def rule(self) -> str:
        ds, table, col = self.source
        return f"{ds}.{table}.references.{col}" if table else f"{ds}.references.{col}"


@dataclass
class CrossOutcome:
    """The result of one cross-dataset check, in the shape the gate reports."""

    rule: str
    dataset: str
    column: str | None
    check: str
    description: str
    element_count: int = 0
    unexpected_count: int = 0
    index: list[int] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)
    table: str | None = None
    error: str | None = None


def _parse_ref(text: str) -> tuple[str, str | None, str]:
    parts = str(text).split(".")
    if len(parts) == 2:
        return parts[0], None, parts[1]
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    from analysis.errors import StudyConfigError

    raise StudyConfigError(
        f"validation.references: {text!r} is not dataset.column or dataset.table.column",
        hint="write e.g. log.gemeente or gesprekken.cases.respnr",
    )


def infer_references(datasets: dict[str, Dataset], config: dict[str, Any] | None = None) -> list[Reference]:
    """The reference rules of a study: declared ones plus those inferred from key columns.

    A column is a key when its codebook marks it ``unique: true``. Every other dataset (and
    table of a multi-table source) with a column of the same name must use only values
    of that key.
    """
    config = config or {}
    refs: list[Reference] = []
    if config.get("builtin", True):
        keys = {
            v.name: name
            for name, ds in datasets.items()
            for v in ds.codebook.variables
            if v.unique and not v.pii
        }
        for col, owner in sorted(keys.items()):
            for name, ds in datasets.items():
                if name == owner:
                    continue
                if col in ds.frame.columns:
                    refs.append(Reference((name, None, col), (owner, None, col)))
                for table, frame in sorted(ds.tables.items()):
                    if col in frame.columns and not _same_frame(frame, ds):
                        refs.append(Reference((name, table, col), (owner, None, col)))
    for item in config.get("references") or []:
        ref = Reference(_parse_ref(item["from"]), _parse_ref(item["to"]))
        if ref not in refs:
            refs.append(ref)
    return refs


def _same_frame(frame: pd.DataFrame, ds: Dataset) -> bool:
    return frame is ds.frame or (
        frame.shape == ds.frame.shape and list(frame.columns) == list(ds.frame.columns)
    )


def _column(datasets: dict[str, Dataset], where: tuple[str, str | None, str]) -> pd.Series | None:
    ds_name, table, col = where
    ds = datasets.get(ds_name)
    if ds is None:
        return None
    if table is None:
        if not ds.has_codes(col) and col not in ds.frame.columns:
            return None
        return ds.code_column(col).reset_index(drop=True)
    else:
        source = ds.tables.get(table)
    if source is None or col not in source.columns:
        return None
    return source[col].reset_index(drop=True)


def _keys(s: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Each distinct value of ``s`` once as comparable text, and each row's position among them.

    363.0, "363" and 363 are the same key; positions are -1 where ``s`` is missing. Only the
    distinct values are normalised (a referral log repeats a few thousand keys over millions of
    rows), and text keys stay in their own (Arrow) string array, stripped without a Python loop.
    """
    import pandas as pd

    def one(x: Any) -> Any:
        if isinstance(x, float) and x.is_integer():
            x = int(x)
        return str(x).strip()

    positions, uniques = pd.factorize(s, use_na_sentinel=True)
    uniques = pd.Index(uniques)
    if pd.api.types.is_string_dtype(uniques.dtype) and pd.api.types.infer_dtype(uniques) == "string":
        return positions, uniques.str.strip()
    return positions, pd.Index([one(x) for x in uniques], dtype=object)


def _unknown(values: pd.Series, known: pd.Series) -> tuple[pd.Series, int]:
    """Rows of ``values`` whose key is not among the keys of ``known``, and the non-missing count."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    positions, keys = _keys(values)
    # membership in Arrow: pandas' own isin on Arrow strings turns the value set into Python
    # objects one by one (seconds for a million respondent IDs)
    found = pc.is_in(pa.array(keys, type=pa.string()), value_set=pa.array(_keys(known)[1], type=pa.string()))
    ok = np.append(found.to_numpy(zero_copy_only=False), True)  # position -1 (missing) is never unknown
    present = positions >= 0
    return pd.Series(~ok[positions], index=values.index), int(present.sum())


def check_reference(datasets: dict[str, Dataset], ref: Reference) -> CrossOutcome | None:
    """Check one reference rule; ``None`` when either side is not part of the study."""
    from analysis.validate.evaluate import outcome

    source, target = _column(datasets, ref.source), _column(datasets, ref.target)
    src_ds, table, col = ref.source
    tgt = ".".join(p for p in ref.target if p)
    desc = wording("describe")["references"].format(column=col, target=tgt)
    if ref.source[0] not in datasets or ref.target[0] not in datasets:
        return None
    if source is None or target is None:
        missing = ".".join(p for p in (ref.source if source is None else ref.target) if p)
        return CrossOutcome(
            ref.rule,
            src_ds,
            col,
            "references",
            desc,
            table=table,
            error=wording("messages")["column_absent"].format(column=missing),
        )
    bad, present = _unknown(source, target)
    o = outcome(bad, source)
    return CrossOutcome(
        ref.rule,
        src_ds,
        col,
        "references",
        desc,
        element_count=present,
        unexpected_count=o["unexpected_count"],
        index=o["index"],
        values=o["values"],
        table=table,
    )


#: Column names a REFI-QDA reader may use for the code of a coding and the codebook's codes.
CODING_CODE_COLUMNS = ("code", "code_name", "codename")
CODEBOOK_CODE_COLUMNS = ("name", "code", "code_name")
CODING_GUID_COLUMNS = ("code_guid", "codeRef", "code_ref")
CODEBOOK_GUID_COLUMNS = ("guid", "code_guid")


def check_codes(name: str, ds: Dataset) -> CrossOutcome | None:
    """Every code used in a coding exists in the QDA project's codebook (``tables``)."""
    from analysis.validate.evaluate import outcome

    codes = ds.tables.get("codes")
    if codes is None:
        return None
    codings = ds.tables.get("codings")
    if codings is None:
        codings = ds.frame
    pairs = [(a, b) for a in CODING_GUID_COLUMNS for b in CODEBOOK_GUID_COLUMNS]
    pairs += [(a, b) for a in CODING_CODE_COLUMNS for b in CODEBOOK_CODE_COLUMNS]
    for used_col, known_col in pairs:
        if used_col in codings.columns and known_col in codes.columns:
            used = codings[used_col].reset_index(drop=True)
            bad, present = _unknown(used, codes[known_col])
            o = outcome(bad, used)
            return CrossOutcome(
                f"{name}.codes.known",
                name,
                used_col,
                "codes",
                wording("describe")["codes_column"].format(column=used_col),
                element_count=present,
                unexpected_count=o["unexpected_count"],
                index=o["index"],
                values=o["values"],
            )
    return CrossOutcome(
        f"{name}.codes.known",
        name,
        None,
        "codes",
        wording("describe")["codes"],
        error=wording("messages")["codes_unlinked"],
    )


def cross_checks(datasets: dict[str, Dataset], config: dict[str, Any] | None = None) -> list[CrossOutcome]:
    """Run every cross-dataset rule over the datasets that could be read."""
    out = []
    for ref in infer_references(datasets, config):
        result = check_reference(datasets, ref)
        if result is not None:
            out.append(result)
    for name, ds in datasets.items():
        if ds.tables:
            result = check_codes(name, ds)
            if result is not None:
                out.append(result)
    return out
