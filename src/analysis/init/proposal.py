"""The whole proposal: :func:`propose` types the tables by content and asks each part's rules."""

from __future__ import annotations

from pathlib import Path

from analysis.init.analyses import _propose_analyses
from analysis.init.columns import (
    _gm_columns,
    _key_columns,
    _name_column,
    _ref_column,
)
from analysis.init.model import Guess, Proposal
from analysis.init.parts import _propose_frame, _propose_interviews, _propose_referrals
from analysis.init.survey import _propose_survey
from analysis.init.table import (
    Table,
)


def propose(tables: list[Table], names_file: str | None = None) -> Proposal:
    """Guess the analysis plan of a study from its tables (see the module docstring).

    ``names_file`` is the study's list of names and places (relative to the study folder),
    when the folder has one: quotes are proposed only with it.
    """
    p = Proposal()
    if names_file:
        p.names_file = Guess(
            "names_file", names_file, f"{Path(names_file).name} is named like a list of names"
        )
    qda = [t for t in tables if t.is_qda]
    plain = [t for t in tables if not t.is_qda]

    # municipality frames: a unique GM-code column and a name column
    frames: list[tuple[Table, str, str]] = []
    for t in plain:
        for code in _gm_columns(t):
            if t.is_unique_key(code):
                name = _name_column(t, code)
                if name:
                    frames.append((t, code, name))
                    break

    # the survey: most labelled variables, then most rows; a log that refers to another
    # dataset's key and has two dates comes last
    keys = {t.name: {c: set(t.normed(c)) for c in _key_columns(t)} for t in plain}

    def log_like(t: Table) -> bool:
        if sum(t.is_date(c) for c in t.columns) < 2:
            return False
        others = [k for name, cols in keys.items() if name != t.name for k in cols.values()]
        return any(_ref_column(t, k) for k in others)

    frame_names = {f[0].name for f in frames}
    candidates = [t for t in plain if t.name not in frame_names] or plain
    survey = None
    if candidates:
        survey = max(candidates, key=lambda t: (not log_like(t), t.n_labelled(), t.rows))
        why = f"{survey.rows} rows, {survey.n_labelled()} labelled variables"
        if len(candidates) > 1:
            why += "; the most of the study's tables"
        p.add("survey", "dataset", survey.name, why)
        _propose_survey(p, survey)
    else:
        p.lack("survey", "no survey: no dataset besides the interviews and the municipality frame")

    _propose_frame(p, frames, survey)
    others = [t for t in plain if survey is None or t.name != survey.name]
    others = [t for t in others if t.name not in frame_names]
    _propose_referrals(p, others, survey)
    _propose_interviews(p, qda, survey)
    by_name = {t.name: t for t in tables}
    _propose_analyses(p, {part: by_name[p.bound(part)] for part in p.parts if p.bound(part) in by_name})
    return p
