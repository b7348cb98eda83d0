"""Labels, never codes: value and variable labels from the codebook, in the report language.

A dataset's frame carries its codebook's own value labels (the study's language). A report in
another language relabels with the codebook's ``translations`` (:func:`relabel`); a value the
plan declares by code or by label (``formal: 1``) is found with :func:`declared_code` and shown
with :func:`declared_label`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from analysis.codebook import Codebook, Variable


def relabel(frame: pd.DataFrame, codebook: Codebook, lang: str, primary: str) -> pd.DataFrame:
    """A copy of ``frame`` whose labelled columns show their value labels in ``lang``.

    Columns without a translation into ``lang`` keep their labels. ``primary`` is the language
    the codebook's own labels are in (the study's language); nothing changes when
    ``lang == primary``.
    """
    import pandas as pd

    if lang == primary:
        return frame
    changes = {}
    for var in codebook:
        if var.name not in frame.columns or not var.translations.get(lang, {}).get("value_labels"):
            continue
        mapping = {
            var.value_labels[c]: label
            for c, label in var.value_labels_in(lang).items()
            if c in var.value_labels
        }
        s = frame[var.name]
        if isinstance(s.dtype, pd.CategoricalDtype):
            cats = list(s.cat.categories)
            new = unique_labels([mapping.get(c, c) for c in cats])
            changes[var.name] = s.cat.rename_categories(dict(zip(cats, new, strict=True)))
        else:
            changes[var.name] = s.map(lambda v, m=mapping: m.get(v, v))
    return frame.assign(**changes) if changes else frame


def declared_code(var: Variable | None, declared: Any) -> Any:
    """The stored code a plan declares, given as a code (``1``) or as its label (``"Informeel"``).

    Returns ``None`` when the variable has value labels and the declared value is neither one
    of their codes nor one of their labels.
    """
    if var is None or not var.value_labels:
        return declared
    for code in var.value_labels:
        if str(code) == str(declared) or (_number(code) is not None and _number(code) == _number(declared)):
            return code
    wanted = str(declared).strip().casefold()
    for code, label in var.value_labels.items():
        if str(label).strip().casefold() == wanted:
            return code
    return None


def declared_label(var: Variable | None, declared: Any, lang: str, primary: str) -> str:
    """The value label (in ``lang``) of a value the plan declares by code or label."""
    code = declared_code(var, declared)
    if var is None or not var.value_labels or code is None:
        return str(declared)
    labels = var.value_labels_in(lang) if lang != primary else var.value_labels
    return str(labels.get(code, var.value_labels[code]))


def in_sentence(label: str) -> str:
    """A label inside a sentence: "Type respondent" -> "type respondent" (acronyms kept: "GGD")."""
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def unique_labels(labels: list[Any]) -> list[Any]:
    """Labels made unique: a repeated label gets a number ("Overig", "Overig (2)").

    Two codes translated alike keep their own category; two rows of a table their own label.
    """
    seen: dict[Any, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out
