"""The gate's personal-data scan: which columns and tables to scan, and what a finding means.

The detectors themselves (e-mail, phone, BSN, IBAN, postcode with house number, names) are in
:mod:`analysis.validate.pii`. This module decides where to look (every column that can hold
free text, and running text in the tables of a multi-table source such as transcripts), which
findings block (a direct identifier anywhere, anything in a column not marked ``pii``) and
which are only reported (names in a column marked ``pii``: they are replaced before
publication), and words the :class:`~analysis.validate.checks.Check` so that only the kind of
data and the row numbers are shown, never the data.

Columns are also judged as a whole (:mod:`analysis.ingest.personal`): a column of names, e-mail
addresses, phone numbers, IP addresses, coordinates or dates of birth, recognised by its
heading, label or values without any names list, is a warning when the codebook marks it
``pii`` (it is left out of everything) and a failure when it does not; an open-text column
that the codebook does not mark is a warning that says to mark it. Such a column never gets a
check that says it "holds no personal data".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from analysis.ingest import personal
from analysis.validate import evidence, pii
from analysis.validate.checks import FAILED, PASSED, WARNING, Check, wording

if TYPE_CHECKING:
    import pandas as pd

    from analysis.ingest import Dataset
    from analysis.study import Study


def names_pattern(study: Study, privacy: dict[str, Any]) -> tuple[re.Pattern[str] | None, list[Check]]:
    """The study's names list (``privacy.names_file``) as one pattern, and a check that it exists."""
    value = privacy.get("names_file")
    if not value:
        return None, []
    path = study.resolve(value)
    if not path.exists():
        missing = wording("messages")["names_file_missing"].format(path=evidence.rel_path(path, study.root))
        return None, [
            Check(
                rule="study.privacy.names_file",
                dataset="study",
                check="pii",
                status=WARNING,
                description=wording("describe")["names_file"],
                message=missing,
            )
        ]
    return pii.compile_names(pii.read_names(path)), [
        Check(
            rule="study.privacy.names_file",
            dataset="study",
            check="pii",
            status=PASSED,
            description=wording("describe")["names_file"],
        )
    ]


def text_columns(ds: Dataset, frame: pd.DataFrame) -> list[tuple[str, bool]]:
    """(column, marked pii) for every column that can hold free text."""
    from analysis.validate.evaluate import type_of

    out = []
    for col in frame.columns:
        var = ds.codebook[col] if col in ds.codebook else None  # noqa: SIM401 (no .get)
        if var is not None and not var.pii and (var.pattern or var.value_labels or var.type != "string"):
            continue
        if var is None and type_of(frame[col]) not in ("string", "mixed"):
            continue
        out.append((col, bool(var is not None and var.pii)))
    return out


def pii_checks(
    name: str,
    ds: Dataset,
    frame: pd.DataFrame,
    ids: str | None,
    names: re.Pattern[str] | None,
    fail_on: tuple[str, ...],
) -> list[Check]:
    """One ``<dataset>[.<table>].<column>.pii`` check per text column and per text column of a table."""
    from analysis.validate.evaluate import type_of

    t, describe, kinds = wording("messages"), wording("describe"), wording("pii_kinds")
    recognised = personal_columns(ds, frame)
    out = [
        identifier_check(name, ds, col, found)
        for col, found in recognised.items()
        if found.kind != "free_text"
    ]
    targets: list[tuple[str | None, str, pd.DataFrame, bool]] = [
        (None, col, frame, marked)
        for col, marked in text_columns(ds, frame)
        if col not in recognised or recognised[col].kind == "free_text"
    ]
    # an open-text column the codebook does not mark is scanned as unmarked text
    listed = {col for _, col, _, _ in targets}
    targets += [
        (None, col, frame, False)
        for col in recognised
        if col not in listed and recognised[col].kind == "free_text"
    ]
    for table, tframe in sorted(ds.tables.items()):
        if tframe is ds.frame or tframe is ds.stored or _same_columns(tframe, frame):
            continue
        tframe = tframe.reset_index(drop=True)
        for col in tframe.columns:
            if type_of(tframe[col]) in ("string", "mixed"):
                # transcripts and other running text in a table are personal by nature
                targets.append((table, col, tframe, pii.looks_like_free_text(tframe[col])))
    for table, col, tframe, marked in targets:
        free_text = marked or (table is None and col in recognised) or pii.looks_like_free_text(tframe[col])
        found = pii.scan_series(tframe[col], names if free_text else None)
        rule = f"{name}.{table}.{col}.pii" if table else f"{name}.{col}.pii"
        blocking = {k: v for k, v in found.items() if k in fail_on or not marked}
        status = FAILED if blocking else (WARNING if found else PASSED)
        rows = sorted({r for v in found.values() for r in v})
        parts = "; ".join(
            t["pii_part"].format(
                kind=kinds[k],
                count=t["rows_one" if len(v) == 1 else "rows_many"].format(n=len(v)),
                rows=", ".join(str(r + 1) for r in v[:5]),
            )
            for k, v in found.items()
        )
        unmarked_text = table is None and not marked and col in recognised
        if unmarked_text and not found:
            status = WARNING
        if not found:
            message = _unmarked_text(ds, col, recognised[col]) if unmarked_text else ""
        elif blocking:
            message = t["pii_direct" if marked else "pii_unmarked"].format(found=parts)
        else:
            message = t["pii_marked"].format(found=parts)
        out.append(
            Check(
                rule=rule,
                dataset=name,
                table=table,
                column=col,
                check="pii",
                status=status,
                description=(
                    wording("personal")["describe_free_text"]
                    if unmarked_text
                    else describe["pii_marked" if marked else "pii"]
                ).format(column=col),
                message=message,
                element_count=int(tframe[col].notna().sum()),
                unexpected_count=len(rows),
                examples=evidence.example_rows(
                    rows[:5], tframe if table is None else None, ids if table is None else None
                ),
            )
        )
    return out


def personal_columns(ds: Dataset, frame: pd.DataFrame) -> dict[str, personal.Personal]:
    """Columns of ``frame`` that hold personal data, recognised or marked ``pii`` (see :func:`identifier_check`)."""
    out = {}
    for col in frame.columns:
        if col not in ds.frame.columns:
            continue
        found = personal.is_personal(ds, col)
        if found is not None and (found.by != "codebook"):
            out[col] = found
    return out


def identifier_check(name: str, ds: Dataset, col: str, found: personal.Personal) -> Check:
    """``<dataset>.<column>.pii`` for a column of names or direct identifiers as a whole.

    A warning when the codebook marks it ``pii`` (it is excluded from every analysis and
    publication: the plan checks fail any use of it); a failure when it does not.
    """
    w = wording("personal")
    var = ds.codebook.get(col)
    marked = bool(var is not None and var.pii)
    fill = {
        "column": col,
        "kind": w["kinds"][found.kind],
        "by": w["by"][found.by],
        "codebook": _codebook_name(ds),
    }
    return Check(
        rule=f"{name}.{col}.pii",
        dataset=name,
        column=col,
        check="pii",
        status=WARNING if marked else FAILED,
        description=w["describe"].format(column=col),
        message=w["marked" if marked else "unmarked"].format(**fill),
        element_count=int(ds.frame[col].notna().sum()),
        unexpected_count=0 if marked else int(ds.frame[col].notna().sum()),
    )


def _unmarked_text(ds: Dataset, col: str, found: personal.Personal) -> str:
    w = wording("personal")
    return w["free_text_unmarked"].format(column=col, by=w["by"][found.by], codebook=_codebook_name(ds))


def _codebook_name(ds: Dataset) -> str:
    return f"{ds.codebook.dataset}.yml"


def _same_columns(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    return a.shape == b.shape and list(a.columns) == list(b.columns)
