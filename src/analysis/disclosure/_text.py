"""Display words and number formatting for published tables.

The words themselves are in :mod:`analysis.text` (section ``disclosure``, one file per
language); this module checks the language and formats numbers.
"""

from __future__ import annotations

import math
from typing import Any

from analysis.errors import DisclosureError
from analysis.numbers import fmt_number
from analysis.text import LANGUAGES, words

LANGS = LANGUAGES


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise DisclosureError(f"unknown language {lang!r}", hint="use lang='nl' or lang='en'")
    return lang


def text(lang: str, part: str = "table") -> dict[str, Any]:
    """One part of the ``disclosure`` wording (``table``, ``appendix``, ``policy``, ``reasons``)."""
    return words(check_lang(lang), "disclosure")[part]


def fmt_float(x: float, decimals: int, lang: str) -> str:
    """A decimal number with a decimal comma in Dutch; an empty cell marker for a missing value."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return text(lang)["empty"]
    return fmt_number(x, decimals, lang)
