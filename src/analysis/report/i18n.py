"""Report texts per language (``texts/nl.yml``, ``texts/en.yml``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from analysis.errors import StudyConfigError

LANGUAGES = ("nl", "en")


@cache
def texts(lang: str) -> dict[str, str]:
    """All report texts of one language."""
    if lang not in LANGUAGES:
        raise StudyConfigError(f"report language {lang!r} is not available", hint="use nl or en")
    path = Path(__file__).with_name("texts") / f"{lang}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))
