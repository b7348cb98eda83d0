"""Labels, never codes: value and variable labels from the codebook, in the report language.

A dataset's frame carries its codebook's own value labels (the study's language). A report in
another language relabels with the codebook's ``translations`` (:func:`relabel`); a value the
plan declares by code or by label (``formal: 1``) is found with :func:`declared_code` and shown
with :func:`declared_label`. A code of coded interviews is named by :func:`code_label`: its
value label in the codebook (:func:`code_labels`), else its name made readable
(:func:`readable_code`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
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
    """A label inside a sentence, as the codebook writes it.

    Its capitals are kept: a label may begin with a name ("Veilig Thuis", "Amsterdam", "Qualtrics")
    or an acronym, and lower-casing it would misspell it. One place decides this for every title
    and sentence.
    """
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


#: The columns of a codings table (:mod:`analysis.ingest.qda`) whose values are codes: the
#: codebook's value labels of these columns name the codes in reports.
CODE_COLUMNS = ("code", "code_family")

#: An outline number before a code's name (``B3``, ``A10``, ``K12``, ``2.1``, ``B3a``) or one
#: capital before a name in capitals (``C RELATIONSHIP``), then separators.
_CODE_NUMBER = re.compile(r"^\s*([A-Za-z]{0,3}\d+(?:\.\d+)*[A-Za-z]?|[A-Z])[\s._:-]+(.+)$")


def code_labels(
    codebook: Codebook | None, lang: str | None = None, columns: Sequence[str] = CODE_COLUMNS
) -> dict[str, str]:
    """The codebook's names of codes in ``lang``: code -> value label of the code columns.

    The value labels of ``columns`` (by default the codings table's ``code`` and
    ``code_family``), translated where the codebook's ``translations`` give ``lang``, in the
    codebook's own language where they do not. Pass the result to :func:`code_label`.

    Why the codebook and not the QDA project's code descriptions: a description is a
    definition (a sentence, in the coders' language only), while a value label is a name
    that the study reviews and translates like every other label in its reports.
    """
    out: dict[str, str] = {}
    if codebook is None:
        return out
    for column in columns:
        var = codebook.get(column)
        if var is None:
            continue
        for code, label in var.value_labels_in(lang).items():
            if str(label).strip():
                out.setdefault(str(code), str(label))
    return out


def code_label(code: object, labels: Mapping[str, str] | None = None) -> str:
    """A code's readable name, for a sentence, a table or a figure.

    Its label in ``labels`` (the codebook's, from :func:`code_labels`, in the report
    language) when there is one, else :func:`readable_code`: ``"C2 FELT_UNHEARD"`` without a
    label reads ``"Felt unheard"``.
    """
    label = (labels or {}).get(str(code))
    return str(label) if label else readable_code(code)


def readable_code(code: object) -> str:
    """A code's name as words, for a code the codebook gives no label.

    A leading outline number (``B3``, ``A10``, ``K12``, ``2.1``, ``B3a``; also ``B3:``) is
    dropped, and so is one capital before a name in capitals (``C RELATIONSHIP``); a name
    that is only a number is kept. Underscores become spaces. A name in capitals is written in
    lower case with a capital first letter (``"C2 FELT_UNHEARD"`` -> ``"Felt unheard"``); a
    name written as one identifier gets a capital first letter (``"felt_unheard"`` ->
    ``"Felt unheard"``); a name that already reads as words is kept as it is
    (``"A good example"``, ``"GGD contact"``).
    """
    text = str(code).strip()
    m = _CODE_NUMBER.match(text)
    if (
        m
        and re.search(r"[^\W\d_]", m.group(2))
        and (any(ch.isdigit() for ch in m.group(1)) or m.group(2).isupper())
    ):
        text = m.group(2).strip()
    identifier = "_" in text and " " not in text
    words = re.sub(r"_+", " ", text).strip()
    if words.isupper():
        words = words.lower()
        words = words[:1].upper() + words[1:]
    elif identifier:
        words = words[:1].upper() + words[1:]
    return words or str(code)
