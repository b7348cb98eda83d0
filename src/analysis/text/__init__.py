"""All wording, one file per language (``nl.yml``, ``en.yml``), one section per module.

Library code never types a sentence of a report: it asks for its section here
(``words("nl", "collaboration")["title"]``) and fills in numbers that come from a Result.
A test checks that both languages have the same keys.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from analysis.errors import StudyConfigError

#: Languages a report can be written in.
LANGUAGES = ("nl", "en")


@cache
def _load(lang: str) -> dict[str, Any]:
    import yaml

    return yaml.safe_load(Path(__file__).with_name(f"{lang}.yml").read_text(encoding="utf-8"))


def words(lang: str, section: str) -> dict[str, str]:
    """The wording of one section (``report``, ``collaboration`` ...) in ``lang``."""
    if lang not in LANGUAGES:
        raise StudyConfigError(
            f"language {lang!r} is not available", hint=f"use one of {', '.join(LANGUAGES)}"
        )
    return _load(lang)[section]
