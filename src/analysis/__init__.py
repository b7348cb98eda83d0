"""Bruggen's analysis library.

Importing ``analysis`` is cheap: submodules load their heavy dependencies (pandas,
statsmodels, great-expectations, plotly) only when used.

Stages, left to right (see the README):
``study`` (catalog) -> ``ingest`` -> ``validate`` (the gate) -> ``prepare`` -> analyses
(``collaboration`` ...) -> ``disclosure`` -> ``report``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from analysis.study import ValidatedStudy

__version__ = "0.1.0"


def load(path: str | Path | None = None) -> ValidatedStudy:
    """Validate a study and return it ready for analysis: the one entry point for notebooks.

    Parameters
    ----------
    path
        The study's ``study.yml`` (default: ``$BRUGGEN_STUDY``, else the nearest ``study.yml``
        in this folder or a parent, so a notebook in ``notebooks/`` finds its study).

    Returns
    -------
    analysis.study.ValidatedStudy
        ``.data(name)`` gives validated frames, ``.analyse(name)`` the Result of an analysis
        declared in the plan, ``.validation`` the gate's result.

    Raises
    ------
    ValidationFailed
        The data failed the gate; nothing may be analysed.
    StudyConfigError
        study.yml or its plan names something that does not exist.

    Examples
    --------
    >>> import analysis
    >>> study = analysis.load("study.yml")              # doctest: +SKIP
    >>> study.analyse("vormen").findings()              # doctest: +SKIP
    """
    from analysis.study import load_validated

    return load_validated(path)
