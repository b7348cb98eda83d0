"""The researcher's report texts, checked by the gate before anything is analysed.

``report.texts`` in study.yml names Markdown files (background, interpretation per chapter,
recommendations per actor) with placeholders for findings (:mod:`analysis.report.prose`).
``bruggen validate`` checks what can be checked without running an analysis: every file
named exists, and every placeholder in it and in its language versions (``x.en.md`` beside
``x.md``) names a declared analysis and asks for something a Result gives. A wrong finding
index (``finding[7]`` of an analysis with three findings) depends on the data and is caught
when the report is built, with the same file and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.errors import StudyConfigError

if TYPE_CHECKING:
    from analysis.study import Study


def text_files(study: Study) -> Iterator[tuple[str, Path]]:
    """``(key, path)`` of every file under ``report.texts`` (``report.texts.interpretation.x``)."""
    config = study.section("report").get("texts") or {}

    def walk(value: Any, key: str) -> Iterator[tuple[str, Path]]:
        if isinstance(value, dict):
            for k, v in value.items():
                yield from walk(v, f"{key}.{k}")
        elif isinstance(value, str) and value.strip():
            yield key, study.resolve(value)

    if isinstance(config, dict):
        yield from walk(config, "report.texts")


def check_texts(study: Study) -> None:
    """Check every report text study.yml names: it exists, and its placeholders name declared analyses.

    An interpretation of a chapter that no declared analysis fills is not published, so it is
    not checked (a study may keep its texts while it declares fewer analyses).

    Raises
    ------
    StudyConfigError
        Listing every problem as ``<file>: line <n>: ...`` (or the key of a missing file).
    """
    from analysis.report.prose import problems
    from analysis.text import LANGUAGES

    names = dict(study.plan.analyses)
    chapters = {spec.chapter for spec in names.values()}
    found: list[str] = []
    for key, path in text_files(study):
        chapter = key.removeprefix("report.texts.interpretation.")
        if chapter != key and chapter not in chapters:
            continue  # the interpretation of a chapter no analysis fills is not published
        if not path.is_file():
            found.append(f"{key} names {path.resolve()}, which does not exist")
            continue
        versions = [path] + [
            p for lang in LANGUAGES if (p := path.with_name(f"{path.stem}.{lang}{path.suffix}")).is_file()
        ]
        for version in versions:
            text = version.read_text(encoding="utf-8")
            found += [f"{version}: line {line}: {message}" for line, message in problems(text, names)]
    if found:
        raise StudyConfigError(
            f"the report texts (report.texts) do not fit the plan ({len(found)} problem(s)):\n  "
            + "\n  ".join(found),
            path=study.source,
            hint="write placeholders as {{ NAME.finding[0] }}, {{ NAME.findings }}, {{ NAME.title }}, "
            "{{ NAME.figure }} or {{ NAME.table }} with NAME an analysis under 'analyses:'",
        )
