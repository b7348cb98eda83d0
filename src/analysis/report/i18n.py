"""Report texts per language: the ``report`` section of :mod:`analysis.text`."""

from __future__ import annotations

from analysis.text import LANGUAGES, words

__all__ = ["LANGUAGES", "texts"]


def texts(lang: str) -> dict[str, str]:
    """All report texts of one language."""
    return words(lang, "report")
