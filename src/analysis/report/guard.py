"""The last door before publishing: no page may contain a value of a personal-data column.

The gate keeps personal data out of the plan (:mod:`analysis.validate.plan_checks`), but a
report is made by code that can change, from notebooks and templates that can change. So
before :func:`analysis.report.build.build_reports` writes anything, every published page (the
study report, the municipality reports, their table workbooks; not ``validatie.html``, which
names columns and never values) is searched for the values of the study's personal-data
columns: every column marked ``pii`` in its codebook or recognised as names, direct identifiers
or open answers (:func:`analysis.ingest.personal.is_personal`). A hit stops the build with a
:class:`~analysis.errors.DisclosureError` naming the file, the dataset and the variable (never
the value), and nothing is written.

Only values long enough to be unambiguous are looked for (:data:`MIN_CHARS` characters, or
:data:`MIN_WORDS` words and :data:`MIN_WORDS_CHARS` characters): a first name alone, "ja" or a
municipality occurs in any report. A long value is looked for by its first :data:`HEAD`
characters, so a label cut short ("Ik vind dat de gemeente te…") is found too.

Notes
-----
One pass over each page: the values are indexed by their first :data:`KEY` characters and
their length, and every position in the page where a word starts is looked up in that index (a
hash look-up per word, then one set look-up per length of the values that begin alike), so the
time grows with the page, not with the number of values, also when thousands of answers begin
with the same words. The plotly.js library that a report inlines is left out of the search (it is code,
not data). Pages are searched as the reader sees them: HTML entities and JSON escapes
(``\\u00e9``) decoded, case and runs of white space ignored.

The coded interview fragments (the ``text`` column of the plan's interviews dataset) are the
one personal-data column a report publishes by design: the quotes and the practice box show
them pseudonymised (:mod:`analysis.interviews`), so they are not looked for.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import DisclosureError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import pyarrow as pa

    from analysis.ingest import Dataset
    from analysis.outputs import Output
    from analysis.study import Study

__all__ = ["PersonalValues", "check_outputs", "check_study_outputs", "personal_values"]

#: A value is looked for when it has this many characters ...
MIN_CHARS = 20
#: ... or this many words and at least :data:`MIN_WORDS_CHARS` characters.
MIN_WORDS = 3
MIN_WORDS_CHARS = 12
#: A value is looked for by its first this many characters (a label may be cut short after them).
HEAD = 40
#: Characters of the set key (at most the shortest value looked for).
KEY = MIN_WORDS_CHARS
#: Published files that are not searched: the validation report names columns, never values.
NOT_PUBLISHED = ("validatie.html", "validatie.json", "plotly.min.js")
#: The column of a codings table whose fragments a report publishes, pseudonymised, as quotes.
QUOTED_COLUMN = "text"


#: White space, as both sides count it (ASCII white space; a no-break space is made a space first).
_SPACE = r"[ \t\n\r\f\v]+"


def _normal(text: str) -> str:
    """Lower case, with every run of white space one space (as :func:`_heads` does for values)."""
    return re.sub(_SPACE, " ", text.lower().replace("\u00a0", " ")).strip()


_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\([\"\\/bfnrt])")
_JSON_CHARS = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _json_decoded(text: str) -> str:
    """A page with its JSON escapes (``\\u00e9``, ``\\n``) decoded, as a script's data reads."""

    def decode(m: re.Match[str]) -> str:
        if m.group(1):
            return chr(int(m.group(1), 16))
        return _JSON_CHARS.get(m.group(2), m.group(2))

    return _JSON_ESCAPE.sub(decode, text)


@dataclass(frozen=True)
class PersonalValues:
    """The values to keep out of published pages, each with where it came from.

    Attributes
    ----------
    heads
        Normalised value (its first :data:`HEAD` characters) -> (dataset, variable).
    """

    heads: Mapping[str, tuple[str, str]]

    def __post_init__(self) -> None:
        # first KEY characters -> length -> the heads of that length: a page position is looked
        # up once, then once per length among the values that begin alike (at most HEAD - KEY + 1),
        # never once per value (thousands of answers may begin "goede samenwerking")
        index: dict[str, dict[int, set[str]]] = {}
        for head in self.heads:
            index.setdefault(head[:KEY], {}).setdefault(len(head), set()).add(head)
        object.__setattr__(self, "_index", index)

    def __len__(self) -> int:
        return len(self.heads)

    def find(self, text: str) -> tuple[str, str] | None:
        """The (dataset, variable) of the first personal value in ``text``, or ``None``."""
        if not self.heads or not text:
            return None
        decoded = _json_decoded(text)
        # the page as a reader sees it, and as a script's data reads it: a value holding "&lt"
        # itself stands so inside JSON, which unescaping HTML would turn into "<"
        for page in dict.fromkeys((_normal(html.unescape(decoded)), _normal(decoded))):
            hit = self._scan(page)
            if hit is not None:
                return hit
        return None

    def _scan(self, page: str) -> tuple[str, str] | None:
        index: dict[str, dict[int, set[str]]] = self._index  # type: ignore[attr-defined]
        for m in re.finditer(r"(?<!\w)\w", page):
            i = m.start()
            lengths = index.get(page[i : i + KEY])
            if lengths is None:
                continue
            for length, heads in lengths.items():
                head = page[i : i + length]
                if head in heads:
                    return self.heads[head]
        return None


def _heads(values: list[str] | pa.Array) -> list[str]:
    """The normalised heads (first :data:`HEAD` characters) of the values long enough to be unambiguous.

    Normalised as :func:`_normal` normalises a page, with leading characters that start no word
    left out. Vectorised with Arrow: a million open answers take about a second.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(values) == 0:
        return []
    arr = values if isinstance(values, pa.Array) else pa.array(values, type=pa.large_string())
    arr = pc.utf8_lower(arr)
    arr = pc.replace_substring(arr, "\u00a0", " ")
    arr = pc.replace_substring_regex(arr, _SPACE, " ")
    arr = pc.utf8_rtrim(pc.replace_substring_regex(arr, r"^[^\p{L}\p{N}_]+", ""), characters=" ")
    length = pc.utf8_length(arr)
    words = pc.add(pc.count_substring(arr, " "), 1)
    keep = pc.or_(
        pc.greater_equal(length, MIN_CHARS),
        pc.and_(pc.greater_equal(words, MIN_WORDS), pc.greater_equal(length, MIN_WORDS_CHARS)),
    )
    return pc.utf8_slice_codeunits(pc.filter(arr, keep), 0, HEAD).to_pylist()


def personal_values(
    datasets: Mapping[str, Dataset], *, quoted: Iterable[tuple[str, str]] = ()
) -> PersonalValues:
    """Every value of a personal-data column of the study that a page must not contain.

    Parameters
    ----------
    datasets
        The study's datasets, by name.
    quoted
        (dataset, column) pairs a report publishes by design (the coded interview fragments);
        left out.

    Returns
    -------
    PersonalValues
        The distinct values of text columns marked ``pii`` or recognised as personal data,
        long enough to be unambiguous.
    """
    from analysis.ingest.personal import is_personal

    skip = set(quoted)
    heads: dict[str, tuple[str, str]] = {}
    for name, ds in datasets.items():
        for col in ds.frame.columns:
            if (name, col) in skip or is_personal(ds, col) is None:
                continue
            origin = (name, str(col))
            for head in _heads(_distinct_texts(ds.frame[col])):
                heads.setdefault(head, origin)
    return PersonalValues(heads)


def _distinct_texts(values) -> list[str] | pa.Array:
    """The distinct texts of a column (an Arrow array for Arrow-backed text: no Python string per value)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    s = pd.Series(values)
    if isinstance(s.dtype, pd.CategoricalDtype):
        return [c for c in s.cat.remove_unused_categories().cat.categories if isinstance(c, str)]
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        arr = pa.array(s)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        return pc.unique(arr.drop_null())
    return [v for v in s.dropna().unique() if isinstance(v, str)]


def _page_text(output: Output) -> str | None:
    """The text of a published file: a page as it is, a workbook's cells, nothing of a binary."""
    name = output.relpath.lower()
    if name.endswith((".html", ".htm", ".json", ".csv", ".txt", ".md", ".svg")):
        return output.content.decode("utf-8", errors="replace")
    if name.endswith((".xlsx", ".xlsm")):
        with zipfile.ZipFile(io.BytesIO(output.content)) as book:
            return "\n".join(
                book.read(info).decode("utf-8", errors="replace")
                for info in book.infolist()
                if info.filename.endswith(".xml")
            )
    return None


def check_outputs(
    outputs: Iterable[Output],
    values: PersonalValues,
    *,
    library: str | None = None,
    folder: str | Path | None = None,
) -> None:
    """Refuse to publish pages that contain a personal value.

    Parameters
    ----------
    outputs
        The files about to be written.
    values
        What to look for (:func:`personal_values`).
    library
        The inlined plotly.js, left out of the search (as it stands in the page).
    folder
        Where the files would be written (for the error's path).

    Raises
    ------
    DisclosureError
        Naming the first file, dataset and variable found (never the value).
    """
    if not len(values):
        return
    for output in outputs:
        if output.relpath.rsplit("/", 1)[-1] in NOT_PUBLISHED:
            continue
        text = _page_text(output)
        if text is None:
            continue
        if library and library in text:
            text = text.replace(library, "")
        found = values.find(text)
        if found is not None:
            dataset, variable = found
            raise DisclosureError(
                f"this page would publish a value of {variable!r} of dataset {dataset!r}, a column that "
                "holds personal data (pii); no report was written",
                hint=f"do not use {variable} in the plan, a notebook or a report text (bind another variable; "
                f"free text can never be a category), or, if it holds no personal data, correct pii "
                f"for {variable} in the codebook of {dataset}",
                path=Path(folder) / output.relpath if folder is not None else output.relpath,
            )


def check_study_outputs(study: Study, datasets: Mapping[str, Dataset], outputs: list[Output]) -> None:
    """:func:`check_outputs` for a study's reports: its datasets' personal values, its inlined plotly.js.

    Raises
    ------
    DisclosureError
        A page would publish a personal value; nothing may be written.
    """
    from analysis.figures import plotly_js
    from analysis.report.render import _safe_script

    quoted = []
    if study.plan.has("interviews"):
        quoted.append((study.plan.datasets["interviews"], QUOTED_COLUMN))
    values = personal_values(datasets, quoted=quoted)
    check_outputs(outputs, values, library=str(_safe_script(plotly_js())), folder=study.reports_dir)
