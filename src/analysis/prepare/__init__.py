"""The prepare stage: what several analyses share, derived once from the validated data.

Stages: ``ingest`` -> ``validate`` (the gate) -> **prepare** -> analyses. Three layers:

:mod:`.derive`
    Pure functions, frame in, new frame out, column names as arguments: :func:`scale_scores`
    (reverse-keyed items reversed, a minimum of answered items), :func:`reach_rates` (per 1,000
    of the target population) and :func:`referral_durations` (days to first contact, censored
    at the observation end, never dropped).
:mod:`.compose`
    :func:`prepare` / :func:`prepare_survey` / :func:`prepare_referrals` bind them to a
    validated study through its plan's roles (``plan.survey.scales``, ``reach``,
    ``referrals.referred`` ...), never through a study's own variable names.
:mod:`.cache`
    The Parquet cache in the study's ``processed`` folder, keyed by every input's bytes, the
    plan and this code: :meth:`analysis.study.ValidatedStudy.prepared` is the entry point.

Examples
--------
>>> import analysis
>>> study = analysis.load("study.yml")             # doctest: +SKIP
>>> study.prepared("survey").filter(like="scale_")  # doctest: +SKIP
"""

from __future__ import annotations

from analysis.prepare.compose import PARTS, prepare, prepare_referrals, prepare_survey
from analysis.prepare.derive import PrepareError, reach_rates, referral_durations, scale_scores

__all__ = [
    "PARTS",
    "PrepareError",
    "prepare",
    "prepare_referrals",
    "prepare_survey",
    "reach_rates",
    "referral_durations",
    "scale_scores",
]
