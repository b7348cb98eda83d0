"""Display strings (Dutch default, English) and number formatting for published tables."""

from __future__ import annotations

import math

from analysis.errors import DisclosureError
from analysis.numbers import fmt_number

LANGS = ("nl", "en")

TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "total": "Totaal",
        "small_n": "n te klein",
        "hidden": "x",
        "mean": "gemiddelde",
        "n": "n",
        "percent": "%",
        "empty": "–",
        "fn_below": "{below}: minder dan {m} waarnemingen; niet gepubliceerd.",
        "fn_hidden": "x: niet gepubliceerd, zodat een verborgen aantal niet uit de totalen of andere cellen "
        "kan worden teruggerekend.",
        "fn_hidden_mean": "x: gemiddelde niet gepubliceerd (minder dan {m} waarnemingen in de groep, of ter "
        "bescherming van een andere groep).",
        "fn_small_n": "n te klein: percentage niet getoond omdat de noemer kleiner is dan {d}.",
        "fn_rounded": "Aantallen zijn afgerond op veelvouden van {r}; totalen zijn apart afgerond en kunnen "
        "afwijken van de som van de delen.",
        "fn_pct_row": "Percentages per rij.",
        "fn_pct_col": "Percentages per kolom.",
        "fn_pct_total": "Percentages van het totaal.",
        "fn_sdc": "Statistische beveiliging: zie de bijlage.",
    },
    "en": {
        "total": "Total",
        "small_n": "n too small",
        "hidden": "x",
        "mean": "mean",
        "n": "n",
        "percent": "%",
        "empty": "–",
        "fn_below": "{below}: fewer than {m} observations; not published.",
        "fn_hidden": "x: not published, so that a hidden count cannot be worked out from the totals or "
        "other cells.",
        "fn_hidden_mean": "x: mean not published (fewer than {m} observations in the group, or to protect "
        "another group).",
        "fn_small_n": "n too small: percentage not shown because the denominator is below {d}.",
        "fn_rounded": "Counts are rounded to multiples of {r}; totals are rounded separately and may differ "
        "from the sum of their parts.",
        "fn_pct_row": "Row percentages.",
        "fn_pct_col": "Column percentages.",
        "fn_pct_total": "Percentages of the total.",
        "fn_sdc": "Disclosure control: see the appendix.",
    },
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise DisclosureError(f"unknown language {lang!r}", hint="use lang='nl' or lang='en'")
    return lang


def fmt_float(x: float, decimals: int, lang: str) -> str:
    """A decimal number with a decimal comma in Dutch; an empty cell marker for a missing value."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return TEXT[lang]["empty"]
    return fmt_number(x, decimals, lang)
