"""The validation kept across processes (analysis.validate.cache): reused only for identical inputs.

Every test works on a copy of the example study. The gate runs for real; a counting wrapper
around ``gate.run`` only tells whether it ran.
"""

from __future__ import annotations

import copy
import hashlib
import json
import pickle
import shutil
import subprocess
import sys
import warnings
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from conftest import copy_example

import analysis
from analysis.errors import ValidationFailed
from analysis.prepare import cache as prepare_cache
from analysis.study import Study, ValidatedStudy
from analysis.validate import cache, gate
from analysis.validate.checks import FAILED, Check


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    """A copy of the example whose validation passed and was stored once."""
    path = copy_example(tmp_path_factory.mktemp("voorbeeld"))
    study = Study.from_yaml(path)
    assert not cache.manifest_path(study).exists()
    result = gate.require_pass(study)
    assert result.passed and cache.manifest_path(study).is_file()
    (path.parent / "gate.json").write_text(result.to_json(), encoding="utf-8")  # the real run's result
    return path


def _entries(study: Study) -> list[str]:
    return sorted(p.name for p in study.processed_dir.glob("validation-*"))


def _flip_last_byte(path: Path) -> bytes:
    data = path.read_bytes()
    last = b" " if data.endswith(b"\n") else bytes([data[-1] ^ 1])  # keeps YAML and CSV readable
    path.write_bytes(data[:-1] + last)
    return data


# -- reuse -------------------------------------------------------------------------------------
def test_a_new_process_reuses_the_stored_validation(example):
    study = Study.from_yaml(example)
    if cache.load(study) is None:  # the library was edited since the fixture ran
        gate.require_pass(study)
    script = (
        "import json, sys, hashlib, analysis\n"
        f"vs = analysis.load({str(example)!r})\n"
        "print(json.dumps({'gx': 'great_expectations' in sys.modules,"
        " 'validation': hashlib.sha256(vs.validation.to_json().encode()).hexdigest(),"
        " 'shapes': {n: list(vs.data(n).shape) for n in vs.study.datasets}}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    seen = json.loads(done.stdout)
    assert seen["gx"] is False, "great-expectations was imported: the gate ran again"
    real = (example.parent / "gate.json").read_bytes()
    assert seen["validation"] == hashlib.sha256(real).hexdigest()
    fresh = Study.from_yaml(example)
    assert seen["shapes"] == {n: list(fresh.load(n).frame.shape) for n in fresh.datasets}


def test_reused_datasets_equal_a_fresh_read(example, runs):
    vs = analysis.load(example)
    assert runs == []
    fresh = Study.from_yaml(example)
    for name in fresh.datasets:
        got, read = vs.dataset(name), fresh.load(name)
        pd.testing.assert_frame_equal(got.frame, read.frame)
        if read.codes is not None:
            pd.testing.assert_frame_equal(got.codes, read.codes)
        assert got.codebook == read.codebook


# -- what invalidates ---------------------------------------------------------------------------
def test_every_input_byte_changes_the_validation_and_prepare_keys(example, monkeypatch):
    study = Study.from_yaml(example)
    files = [f for f in study.input_files() if f.is_file()]
    kinds = {f.suffix for f in files}
    assert {".yml", ".sav", ".xlsx", ".csv", ".qdpx", ".json", ".txt"} <= kinds  # every kind of input
    original = cache.cache_key(study)
    prepared = {
        part: prepare_cache.cache_key(ValidatedStudy(study, None), part) for part in ("survey", "referrals")
    }
    seen = {original}
    for file in files:
        data = _flip_last_byte(file)
        changed = Study.from_yaml(example)
        key = cache.cache_key(changed)
        assert key not in seen, f"a changed byte in {file.name} left the validation key as it was"
        seen.add(key)
        assert cache.load(changed) is None  # nothing stored for these inputs
        for part, key in prepared.items():  # the prepared frames are computed again too
            assert prepare_cache.cache_key(ValidatedStudy(changed, None), part) != key
        file.write_bytes(data)
    assert cache.cache_key(Study.from_yaml(example)) == original
    assert cache.load(Study.from_yaml(example)) is not None  # the stored entry still serves

    monkeypatch.setattr(analysis, "__version__", analysis.__version__ + ".post1")
    assert cache.cache_key(Study.from_yaml(example)) not in seen  # another Bruggen version


def test_a_changed_library_module_that_the_gate_ran_invalidates_the_entry(example, tmp_path, monkeypatch):
    library = tmp_path / "analysis"
    shutil.copytree(cache._LIBRARY, library, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "_LIBRARY", library)  # the recorded files are looked up in the copy
    study = Study.from_yaml(example)
    stored = cache.load(study) or gate.require_pass(study, reuse=False)
    cache.store(study, stored)
    recorded = json.loads(cache.manifest_path(study).read_text(encoding="utf-8"))["code"]
    assert {"validate/gate.py", "validate/rules.py", "ingest/spss.py", "codebook.py", "text/nl.yml"} <= set(
        recorded
    )

    unused = next(
        rel
        for rel in (p.relative_to(library).as_posix() for p in sorted(library.rglob("*.py")))
        if rel not in recorded
    )
    saved = _flip_last_byte(library / unused)
    assert cache.load(study) is not None  # code the gate never loaded cannot change its result
    (library / unused).write_bytes(saved)

    for rel in ("validate/rules.py", "text/nl.yml"):
        saved = _flip_last_byte(library / rel)
        assert cache.load(study) is None, f"a changed {rel} left the stored validation in use"
        (library / rel).write_bytes(saved)
        assert cache.load(study) is not None


def test_a_changed_input_is_checked_again_and_a_failure_is_never_stored(example, runs):
    from analysis.report.build import build_reports

    study = Study.from_yaml(example)
    stored = cache.load(study)
    assert stored is not None
    frame = study.entry("gemeenten").path
    text = frame.read_text(encoding="utf-8")
    assert "GM0363" in text
    frame.write_text(text.replace("GM0363", "GX0363", 1), encoding="utf-8")  # one byte: a bad code
    try:
        with pytest.raises(ValidationFailed, match="gemeenten"):
            analysis.load(example)
        assert runs == ["voorbeeldstudie"]  # the stored pass of the old bytes was not served
        assert cache.load(Study.from_yaml(example)) is None  # and the failure was not stored
        with pytest.raises(ValidationFailed):  # so the report checks again, and refuses
            build_reports(Study.from_yaml(example))
        assert len(runs) == 2
        assert not (study.reports_dir.is_dir() and any(study.reports_dir.iterdir()))
    finally:
        frame.write_text(text, encoding="utf-8")
    assert cache.load(Study.from_yaml(example)) is not None  # the old bytes: the old pass

    failing = Check(
        rule="gemeenten.x.range", dataset="gemeenten", check="range", status=FAILED, description=""
    )
    failed = replace(stored, checks=(*stored.checks, failing))
    assert not failed.passed and cache.store(study, failed) is None


# -- damage -------------------------------------------------------------------------------------
def _damage(study: Study, damage: str) -> None:
    manifest = cache.manifest_path(study)
    stored = json.loads(manifest.read_text(encoding="utf-8"))
    data = manifest.with_name(stored["data"])
    if damage == "truncated data":
        data.write_bytes(data.read_bytes()[: data.stat().st_size // 2])
    elif damage == "garbage manifest":
        manifest.write_text("{not json", encoding="utf-8")
    elif damage == "manifest of a failure":
        manifest.write_text(json.dumps({**stored, "passed": False}), encoding="utf-8")
    elif damage == "data of another entry":
        data.write_bytes(pickle.dumps({"passed": True}))
        manifest.write_text(
            json.dumps({**stored, "sha256": hashlib.sha256(data.read_bytes()).hexdigest()}), encoding="utf-8"
        )


@pytest.mark.parametrize(
    "damage", ["truncated data", "garbage manifest", "manifest of a failure", "data of another entry"]
)
def test_a_damaged_entry_is_not_trusted(example, tmp_path, damage):
    study = Study.from_yaml(example)
    folder = study.processed_dir
    saved = tmp_path / "saved"
    shutil.copytree(folder, saved)
    try:
        _damage(study, damage)
        with pytest.warns(cache.CacheWarning, match="running the validation gate again"):
            assert cache.load(study) is None
    finally:
        shutil.rmtree(folder)
        shutil.copytree(saved, folder)


def test_a_damaged_entry_is_rebuilt(example, runs):
    study = Study.from_yaml(example)
    _damage(study, "truncated data")
    with pytest.warns(cache.CacheWarning, match="damaged"):
        vs = analysis.load(example)
    assert vs.validation.passed and runs == ["voorbeeldstudie"]
    assert vs.validation.to_json() == (example.parent / "gate.json").read_text(encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error", cache.CacheWarning)
        assert cache.load(Study.from_yaml(example)) is not None  # rebuilt whole
    assert len(_entries(study)) == 2  # one manifest, one data file: the damaged one is gone


def test_bruggen_validate_always_runs_the_gate_and_stores_a_pass(example, runs):
    from typer.testing import CliRunner

    from analysis.cli import app

    study = Study.from_yaml(example)
    before = _entries(study)
    assert cache.load(study) is not None
    result = CliRunner().invoke(
        app, ["validate", "--study", str(example), "--reports", str(example.parent / "v")]
    )
    assert result.exit_code == 0, result.output
    assert runs == ["voorbeeldstudie"]  # it did not reuse the stored pass
    assert cache.load(Study.from_yaml(example)) is not None
    assert _entries(study)[0] == before[0]  # same inputs, same manifest


# -- results of the analyses (bruggen report) ----------------------------------------------------
@pytest.fixture
def analyses_run(monkeypatch) -> list[str]:
    """Counts the real analyses' runs (they still run in full)."""
    from analysis import analyses

    calls: list[str] = []
    real = analyses.run

    def counting(vs, spec, **kw):
        calls.append(spec.name)
        return real(vs, spec, **kw)

    monkeypatch.setattr(analyses, "run", counting)
    return calls


@pytest.fixture
def reuse_results():
    from analysis import result_cache

    result_cache.enable()
    yield
    result_cache.enable(False)


def _same_result(a, b) -> None:
    assert type(a) is type(b)
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())
    assert a.findings() == b.findings()


def test_report_results_are_kept_and_reused_only_when_enabled(example, analyses_run, reuse_results):
    from analysis import result_cache

    vs = analysis.load(example)
    first = vs.analyse("respons")
    again = ValidatedStudy(Study.from_yaml(example), vs.validation).analyse("respons")  # as a new process
    assert analyses_run == ["respons"]
    _same_result(first, again)
    stored = sorted(p.name for p in (vs.study.processed_dir / "results").glob("respons-nl-*"))
    assert len(stored) == 2  # manifest and data

    vs.analyse("respons", data=vs.data(vs.plan.dataset("survey")).head(200))  # a subset: computed
    vs.analyse("respons", lang="en")  # another language: another entry
    assert analyses_run == ["respons", "respons", "respons"]

    result_cache.enable(False)  # the default: every call computes
    vs.analyse("respons")
    assert len(analyses_run) == 4


def test_a_result_key_covers_the_inputs_the_settings_and_the_entry(example):
    from analysis import result_cache

    vs = analysis.load(example)
    key = result_cache.result_key(vs, "respons", "nl")
    assert result_cache.result_key(vs, "respons", "en") != key
    assert result_cache.result_key(vs, "samenwerkingsvorm", "nl") != key
    study = Study.from_yaml(example)
    config = copy.deepcopy(study.config)
    config["disclosure"]["min_count"] = 11  # the same file, other settings in memory
    changed = Study.from_dict(config, root=study.root, source=study.source)
    assert result_cache.result_key(ValidatedStudy(changed, vs.validation), "respons", "nl") != key
    names = study.resolve(study.section("privacy")["names_file"])
    saved = _flip_last_byte(names)
    try:
        assert result_cache.result_key(ValidatedStudy(Study.from_yaml(example), None), "respons", "nl") != key
    finally:
        names.write_bytes(saved)


def test_a_stored_model_is_unpickled_only_when_it_is_used(example, reuse_results):
    """A report reads the published views: loading a stored result imports no statsmodels."""
    vs = analysis.load(example)
    fitted = vs.analyse("voltooiing").fit
    assert type(fitted).__module__.startswith("statsmodels")
    script = (
        "import json, sys\n"
        "import analysis\n"
        "from analysis import result_cache\n"
        "result_cache.enable()\n"
        f"result = analysis.load({str(example)!r}).analyse('voltooiing')\n"
        "before = sorted(m for m in sys.modules if m.startswith(('statsmodels', 'scipy.stats')))\n"
        "params = [float(x) for x in result.fit.params]\n"
        "print(json.dumps({'before': before, 'params': params, 'stored': type(result.fit).__name__}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["stored"] == "Deferred" and seen["before"] == []
    assert seen["params"] == pytest.approx([float(x) for x in fitted.params], rel=1e-12)
    again = pickle.loads(
        pickle.dumps(ValidatedStudy(Study.from_yaml(example), vs.validation).analyse("voltooiing"))
    )
    assert type(again.fit).__module__.startswith("statsmodels")  # pickling a stored result keeps the model


def test_stored_arrow_columns_come_back_equal_and_are_not_joined_on_the_way(tmp_path):
    """The store pickles Arrow-backed columns by their chunks (pandas' pickling copies each
    column into one new array first, and keeps every copy until the whole pickle is written)."""
    import numpy as np
    import pyarrow as pa

    chunks = pa.chunked_array([["R1", "R2"], ["R3", None]], type=pa.large_string())
    frame = pd.DataFrame(
        {
            "id": pd.arrays.ArrowStringArray(chunks, dtype=pd.StringDtype("pyarrow", na_value=np.nan)),
            "n": pd.array(pa.chunked_array([[1, 2], [3, None]]), dtype=pd.ArrowDtype(pa.int64())),
            "x": [1.0, 2.0, 3.0, np.nan],
        }
    )
    name, sha, signature = cache.dump_pickle({"frame": frame}, tmp_path, "probe")
    back = cache.load_pickle(tmp_path / name, sha, signature)["frame"]
    pd.testing.assert_frame_equal(back, frame)
    assert back["id"].array.__arrow_array__().num_chunks == 2  # pandas' own pickle gives 1
    with pytest.raises(ValueError, match="damaged"):
        cache.load_pickle(tmp_path / name, "0" * 64, "0" * 64)


def test_a_second_report_renders_from_stored_results_without_statsmodels(example):
    """The second report of unchanged inputs reads the stored validation and results and only
    renders them: no statsmodels or scipy is imported (they cost seconds of a report's time)."""
    script = (
        "import sys\n"
        "from analysis import result_cache\n"
        "from analysis.report.build import build_reports\n"
        "from analysis.study import Study\n"
        "result_cache.enable()\n"
        f"build_reports(Study.from_yaml({str(example)!r}))\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith(('statsmodels', 'scipy'))}))\n"
    )
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True) for _ in range(2)]
    assert all(run.returncode == 0 for run in runs), runs[-1].stderr[-2000:]
    first, second = (run.stdout.splitlines()[-1] for run in runs)
    assert first == "['scipy', 'statsmodels']"  # the first report fits the models
    assert second == "[]"
