"""The referral log (``verwijzingen.xlsx``): one row per referral by an informal respondent.

Planted: completion (first contact with the service achieved) depends on warm handover only
(odds ratio :data:`COMPLETION_OR_WARM`); days to first contact depend on the referrer's
collaboration form only (gamma, ratio of means :data:`DAYS_RATIO_STRUCTURAL`).

Both are realised with little sampling error by design: completion has fixed margins within
each handover group, and days are stratified (Latin hypercube) gamma draws per group. Which
rows complete, and which row gets which delay, is random.

The theme of each referral (:func:`add_themes`) is drawn afterwards from a stream of its own,
so adding it changed no other column. It depends on the destination only (signals about
forced marriage or honour-related violence mostly go to Veilig Thuis and the police, debts to
debt counselling and the food bank); no effect on completion or delay is planted through it.
The log is observed until :data:`OBSERVATION_END` (``plan.referrals.observation_end`` in
study.yml): after every referral and every first contact in the log, so a referral without
contact is censored there.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from scipy import stats

from analysis.example._survey import COLLAB_FORM_KEYS, INFORMAL_ORG_TYPE_KEYS

TARGET_ROWS = 1500

TO_ORG_TYPES = {
    "schuldhulp": 0.25,
    "wijkteam": 0.24,
    "veilig_thuis": 0.12,
    "voedselbank_kindpakket": 0.15,
    "huisarts_ggz": 0.12,
    "politie": 0.04,
    "overig": 0.08,
}
OUTCOMES = ("hulp_gestart", "wachtlijst", "afgewezen", "haakt_af", "onbekend")

#: Share of referrals with a warm handover, by the referrer's collaboration form.
P_WARM = {"ad_hoc": 0.30, "projectmatig": 0.45, "structureel": 0.70}
#: Planted: completion probability without warm handover, and the odds ratio for warm handover.
P_COMPLETED_COLD = 0.55
COMPLETION_OR_WARM = 2.0
#: Planted: mean days to first contact (ad hoc and project-based), ratio under structural
#: collaboration, and the gamma shape (CV = 1/sqrt(shape)).
DAYS_MEAN_BASE = 21.0
DAYS_RATIO_STRUCTURAL = 0.6
DAYS_GAMMA_SHAPE = 2.0

#: The last day the log covers (the example's ``plan.referrals.observation_end``).
OBSERVATION_END = dt.date(2026, 4, 30)

#: Themes of a referral: four self-determination themes, then debts and poverty.
THEMES = (
    "huwelijksdwang",
    "achterlating",
    "eergerelateerd_geweld",
    "gedwongen_isolement",
    "schulden_armoede",
)
#: The self-determination themes among :data:`THEMES`.
SELF_DETERMINATION = THEMES[:4]
#: Probabilities of each theme (in the order of :data:`THEMES`) by destination.
P_THEME = {
    "schuldhulp": (0.02, 0.01, 0.02, 0.05, 0.90),
    "wijkteam": (0.08, 0.04, 0.08, 0.15, 0.65),
    "veilig_thuis": (0.20, 0.10, 0.30, 0.25, 0.15),
    "voedselbank_kindpakket": (0.02, 0.01, 0.02, 0.05, 0.90),
    "huisarts_ggz": (0.06, 0.03, 0.06, 0.20, 0.65),
    "politie": (0.20, 0.10, 0.35, 0.15, 0.20),
    "overig": (0.08, 0.05, 0.07, 0.10, 0.70),
}

P_OUTCOME_COMPLETED = (0.78, 0.12, 0.06, 0.00, 0.04)
P_OUTCOME_NOT_COMPLETED = (0.00, 0.10, 0.05, 0.50, 0.35)


def make_referrals(rng: np.random.Generator, survey: pd.DataFrame) -> pd.DataFrame:
    """Draw the referral log.

    Each informal respondent contributes a binomial share of its own ``ref_made_total``, so
    a respondent never has more rows in the log than referrals reported in the survey.

    Parameters
    ----------
    rng
        The study's random generator.
    survey
        The survey frame from :func:`~analysis.example._survey.make_survey`.

    Returns
    -------
    pandas.DataFrame
        Columns ``ref_id, municipality_code, from_resp_id, from_org_type, collab_form,
        to_org_type, date_referred, date_first_contact, warm_transfer, contact_made, outcome``.
        ``date_first_contact`` is missing (``None``) when no contact was achieved.
    """
    informal = survey[survey["org_side"] == 2]
    made = informal["ref_made_total"].to_numpy(int)
    share = TARGET_ROWS / made.sum()
    per_resp = rng.binomial(made, share)
    rows = informal.loc[informal.index.repeat(per_resp)].reset_index(drop=True)
    m = len(rows)

    form = rows["collab_form"].map(COLLAB_FORM_KEYS).to_numpy()
    structural = form == "structureel"
    warm = rng.random(m) < np.vectorize(P_WARM.get)(form)

    # completion: fixed margins within each handover group (round(n * p) completed, at random)
    completed = np.zeros(m, dtype=bool)
    for is_warm in (False, True):
        idx = np.flatnonzero(warm == is_warm)
        odds = P_COMPLETED_COLD / (1 - P_COMPLETED_COLD) * (COMPLETION_OR_WARM if is_warm else 1.0)
        k = round(len(idx) * odds / (1 + odds))
        completed[rng.choice(idx, size=k, replace=False)] = True

    # days to first contact: stratified (Latin hypercube) gamma draws per collaboration group,
    # so each group's sample mean sits close to its planted mean
    days = np.zeros(m, dtype=int)
    for is_structural in (False, True):
        idx = np.flatnonzero((structural == is_structural) & completed)  # only these have a contact date
        mean = DAYS_MEAN_BASE * (DAYS_RATIO_STRUCTURAL if is_structural else 1.0)
        u = (rng.permutation(len(idx)) + rng.random(len(idx))) / len(idx)
        # ceil() of a gamma variate has mean ~ E[x] + 0.5: draw with mean - 0.5 so whole days keep the mean
        latent = stats.gamma.ppf(u, DAYS_GAMMA_SHAPE, scale=(mean - 0.5) / DAYS_GAMMA_SHAPE)
        days[idx] = np.maximum(np.ceil(latent), 1).astype(int)

    first = dt.date(2025, 1, 1)
    referred = [first + dt.timedelta(days=int(d)) for d in rng.integers(0, 365, m)]
    contact = [
        r + dt.timedelta(days=int(d)) if c else None
        for r, d, c in zip(referred, days, completed, strict=True)
    ]

    to_type = rng.choice(list(TO_ORG_TYPES), size=m, p=np.array(list(TO_ORG_TYPES.values())))
    outcome = np.where(
        completed,
        rng.choice(OUTCOMES, size=m, p=P_OUTCOME_COMPLETED),
        rng.choice(OUTCOMES, size=m, p=P_OUTCOME_NOT_COMPLETED),
    )

    frame = pd.DataFrame(
        {
            "municipality_code": rows["municipality_code"].to_numpy(),
            "from_resp_id": rows["resp_id"].to_numpy(),
            "from_org_type": rows["informal_org_type"].map(INFORMAL_ORG_TYPE_KEYS).to_numpy(),
            "collab_form": form,
            "to_org_type": to_type,
            "date_referred": referred,
            "date_first_contact": contact,
            "warm_transfer": np.where(warm, "ja", "nee"),
            "contact_made": completed.astype(int),
            "outcome": outcome,
        }
    )
    frame = frame.sort_values(["date_referred", "from_resp_id"], kind="stable").reset_index(drop=True)
    frame.insert(0, "ref_id", [f"V{i + 1:05d}" for i in range(len(frame))])
    return frame


def add_themes(rng: np.random.Generator, referrals: pd.DataFrame) -> pd.DataFrame:
    """The referral log with a last column ``ref_theme``, drawn by destination (:data:`P_THEME`).

    Parameters
    ----------
    rng
        A random stream of its own (not the one :func:`make_referrals` drew from), so the
        other columns stay as they were.
    referrals
        The frame of :func:`make_referrals`.
    """
    u = rng.random(len(referrals))
    cumulative = np.cumsum(np.array([P_THEME[t] for t in referrals["to_org_type"]]), axis=1)
    index = (u[:, None] >= cumulative[:, :-1]).sum(axis=1)
    return referrals.assign(ref_theme=np.asarray(THEMES, dtype=object)[index])
