"""Generated checks fit real files: every SPSS file in ../shared/realdata passes its own suite.

Each readable ``.sav``/``.zsav``/``.por`` is read with :func:`analysis.ingest.read`, its suite
is generated from its own codebook (``ds.codebook``) and run through great-expectations the
way the gate runs it (the gate's engine, on the stored codes). An untouched file delivered by
SPSS or PSPP must not fail the checks its own metadata produce: partially labelled counts,
anchored ratings and annotated ages are open, not closed value sets (see
:func:`analysis.validate.suites.value_set`).

The one exception is listed in :data:`GENUINE_DEFECTS` and must keep failing: a closed nominal
variable whose data hold codes that are neither labelled nor declared missing.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import REALDATA, real_file, realdata_missing

from analysis.errors import ReadError
from analysis.ingest import read
from analysis.validate import gx, suites
from analysis.validate.evidence import validation_frame

SPSS_DIR = REALDATA / "spss"
SPSS_SUFFIXES = {".sav", ".zsav", ".por"}

#: Files MANIFEST.md describes as encrypted or deliberately broken: reading them raises ReadError.
UNREADABLE = {
    "hotel-encrypted.sav": "password-encrypted",
    "CVE-2017-10791.sav": "malformed file from a security regression test",
}

#: file -> {column: the unexpected codes}: real defects the generated checks must catch.
#: simple_alltypes.sav (pyreadstat) labels ``x`` 1 red, 2 green, 3 blue (measure nominal) and
#: declares 7, 8 and 99 missing, yet holds 4 and 9: codes nobody labelled or declared. A closed
#: categorical stays closed, so its value set rightly fails on them.
GENUINE_DEFECTS: dict[str, dict[str, set[Any]]] = {"simple_alltypes.sav": {"x": {4, 9}}}

pytestmark = pytest.mark.realdata


def gate_engine() -> gx.Engine:
    """The gate's own great-expectations engine (one ephemeral context)."""
    return gx.Engine()


def _spss_files() -> list[Any]:
    if not SPSS_DIR.is_dir():
        return [pytest.param(None, id="realdata-absent")]
    return sorted(p.name for p in SPSS_DIR.iterdir() if p.suffix.lower() in SPSS_SUFFIXES)


@pytest.fixture(scope="module")
def engine():
    return gate_engine()


def _failures(result) -> dict[str, set[Any]]:
    """column -> unexpected values, over every failing expectation of a suite result."""
    out: dict[str, set[Any]] = {}
    for r in result.results:
        if r.success:
            continue
        config = r.expectation_config
        details = ((r.result or {}).get("details") or {}).get("columns") or {}
        if not details:  # a failure without per-column detail (or an exception): name the expectation
            out.setdefault(f"<{config.type} {dict(config.kwargs)}>", set()).add(str(r.exception_info))
            continue
        for column, d in details.items():
            if d.get("unexpected_count"):
                values = {v for v in d.get("values") or []}
                out.setdefault(column, set()).update(
                    int(v) if isinstance(v, float) and v.is_integer() else v for v in values
                )
    return out


@pytest.mark.parametrize("name", _spss_files())
def test_real_file_passes_the_suite_of_its_own_codebook(name, engine):
    if name is None:
        pytest.skip(realdata_missing())
    path = real_file("spss", name)
    if name in UNREADABLE:
        with pytest.raises(ReadError):
            read(path)
        pytest.skip(f"{name}: {UNREADABLE[name]} (MANIFEST.md); reading it raises ReadError")
    ds = read(path)
    frame = validation_frame(ds)  # the stored codes, user-missing kept, as the gate sees them
    expectations = suites.generated_expectations(ds.codebook)
    assert expectations, f"{name}: no expectations generated"
    result = engine.validate(frame, ds.codebook.dataset, expectations)
    assert _failures(result) == GENUINE_DEFECTS.get(name, {}), f"{name} ({len(frame)} rows)"


def test_the_largest_real_survey_is_among_them():
    """The big PSPP file (4,670 rows) is read and checked, not skipped."""
    assert "llz.zsav" in _spss_files()
    assert len(read(real_file("spss", "llz.zsav")).frame) == 4670


def test_real_labels_are_read_as_their_authors_meant():
    """Closed where the labels are the categories, open where they annotate a few values."""

    def variable(file: str, column: str):
        return read(real_file("spss", file)).codebook[column]

    # closed: every category labelled
    assert suites.value_set(variable("sample.sav", "myord")) == [1, 2, 3]
    assert suites.value_set(variable("sample.por", "MYORD")) == [1, 2, 3]  # .por: no measure
    assert suites.value_set(variable("umlauts.sav", "var1")) == [1, 2, 3]
    assert suites.value_set(variable("simple_alltypes.sav", "ca_subvar_1")) == ["a", "b", "c", "d"]
    assert suites.value_set(variable("simple_alltypes.sav", "x")) == [1, 2, 3, 7, 8, 99]
    # open: one label among many values, labelled ages on a scale, a label on a missing code only
    assert suites.value_set(variable("greetings.sav", "Bondjoû")) is None
    assert suites.value_set(variable("spssio_test.sav", "Age")) is None
    assert suites.value_set(variable("spssio_test.sav", "aShortStringVar")) is None
    assert suites.value_set(variable("labelled-num-na.sav", "VAR00002")) is None


def _survey_exports() -> list[str]:
    """Every real non-SPSS table: Qualtrics, LimeSurvey and CBS StatLine exports."""
    out = []
    for folder in ("survey_exports", "statline"):
        if (REALDATA / folder).is_dir():
            out += [
                f"{folder}/{p.name}"
                for p in sorted((REALDATA / folder).iterdir())
                if p.suffix in (".csv", ".xlsx")
            ]
    return out or [None]


@pytest.mark.parametrize("name", _survey_exports())
def test_real_exports_pass_the_suite_of_their_own_codebook(name, engine):
    """StatLine's "." (not available) in a numeric column is a missing code, not a wrong type."""
    if name is None:
        pytest.skip(realdata_missing() or "no real survey exports")
    ds = read(real_file(*name.split("/")))
    result = engine.validate(
        validation_frame(ds), ds.codebook.dataset, suites.generated_expectations(ds.codebook)
    )
    assert _failures(result) == {}, name
