"""Survey rules outside the great-expectations suites, as gate checks.

:func:`scale_checks`: the items of one scale share one answer scale (from the codebook);
:func:`cross_checks`: rules across datasets (references between datasets, codes used in
codings exist), evaluated by :mod:`analysis.validate.rules` and worded here with the same
safe example rows and values as every other check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from analysis.validate import evidence
from analysis.validate.checks import FAILED, PASSED, Check, wording

if TYPE_CHECKING:
    from analysis.codebook import Codebook
    from analysis.ingest import Dataset


def scale_checks(name: str, codebook: Codebook) -> list[Check]:
    """One ``<dataset>.scale.<scale>`` check per scale of the codebook."""
    from analysis.validate import rules

    describe, fix = wording("describe")["scale"], wording("messages")["scale_fix"]
    return [
        Check(
            rule=f"{name}.scale.{scale}",
            dataset=name,
            check="scale",
            status=FAILED if problem else PASSED,
            description=describe.format(scale=scale, items=", ".join(items)),
            message=fix.format(problem=problem[0].upper() + problem[1:]) if problem else "",
        )
        for scale, items, problem in rules.scale_checks(codebook)
    ]


def cross_checks(loaded: dict[str, Dataset], config: dict[str, Any] | None) -> list[Check]:
    """The cross-dataset rules on the datasets that could be read."""
    from analysis.validate import rules

    out = []
    frames: dict[str, Any] = {}  # one frame of stored codes per dataset, built once (issue #14)
    for o in rules.cross_checks(loaded, config):
        ds = loaded.get(o.dataset)
        frame = None
        ids = None
        if ds is not None and o.table is None:
            if o.dataset not in frames:
                frames[o.dataset] = evidence.validation_frame(ds)
            frame = frames[o.dataset]
            ids = evidence.id_column(ds.codebook, frame)
        sensitive = ds is not None and o.column in ds.codebook and ds.codebook[o.column].pii
        examples = evidence.example_rows(o.index, frame, ids) if o.unexpected_count else ()
        values = evidence.safe_values(o.values, sensitive=bool(sensitive)) if o.unexpected_count else ()
        if o.error:
            status, message = FAILED, wording("messages")["could_not_run"].format(error=o.error) + "."
        elif o.unexpected_count:
            status = FAILED
            message = evidence.message_nl(
                o.check, o.column, o.unexpected_count, o.element_count, examples, values
            )
        else:
            status, message = PASSED, ""
        out.append(
            Check(
                rule=o.rule,
                dataset=o.dataset,
                table=o.table,
                column=o.column,
                check=o.check,
                status=status,
                description=o.description,
                message=message,
                element_count=o.element_count,
                unexpected_count=o.unexpected_count,
                examples=examples,
                values=values,
            )
        )
    return out
