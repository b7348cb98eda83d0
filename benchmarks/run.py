"""Bruggen at the scale of a national monitor: time and peak memory per stage, beside a baseline.

Builds scaled copies of the example study (rows of the example survey drawn with replacement,
fresh respondent IDs, distinct open answers, widened to 100 variables with repeated rating
items; a referral log of five referrals per respondent, as CSV, up to 5M rows) and measures every stage in its own process, so each peak is that
stage's own (``os.wait4``). Beside each Bruggen figure, in the same run, the natural baseline:

==================  ===========================================  ===============================
stage               Bruggen                                      baseline
==================  ===========================================  ===============================
read_sav            ``Study.load`` (codebook, labels, missing)   ``pyreadstat.read_sav`` alone
read_referrals      ``Study.load``                               ``pandas.read_csv`` alone
gate                ``gate.run`` on frames already read          the same expectations and
                    (great-expectations import counted apart)    references in plain pandas
prepare             ``compose.prepare`` for every part           -
models              every analysis of the plan (also the time    -
                    and the peak of each: Linux's clear_refs)
report              ``bruggen report``, first and second run     -
load                ``analysis.load()`` after a report           -
batch               ``bruggen report --gemeente all``            one process per municipality
                                                                 (measured for 3, times 25/3)
startup             ``import analysis``, ``bruggen --help``      -
==================  ===========================================  ===============================

Run from the repository root (``make bench``)::

    .venv/bin/python benchmarks/run.py                  # 1k, 10k, 100k, 1M respondents
    .venv/bin/python benchmarks/run.py --max 100000     # stop at 100k
    .venv/bin/python benchmarks/run.py --sizes 1000 --stages read_sav,gate
    .venv/bin/python benchmarks/run.py --report-max 10000   # reports up to 10k (default 1k)

Prints a table (seconds, peak MB, the peak over the loaded frames of every dataset, ratio to
the baseline or to the first report) and writes
``benchmarks/results/run-<UTC time>.json``. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (1_000, 10_000, 100_000, 1_000_000)
REFERRALS_PER_RESPONDENT = 5
#: Variables in the scaled survey (the example has 53; the issue's target is read at 100).
SURVEY_WIDTH = 100
MAX_REFERRALS = 5_000_000
STAGES = ("startup", "read_sav", "read_referrals", "gate", "prepare", "models", "report", "load", "batch")
BIN = Path(sys.executable).parent


# -- building a scaled study ------------------------------------------------------------------
def make_study(folder: Path, rows: int) -> Path:
    """A copy of the example study with ``rows`` survey respondents and a CSV referral log."""
    import numpy as np
    import pandas as pd
    import yaml

    from analysis.ingest import Dataset, spss
    from analysis.study import Study

    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "study.yml", folder / "study.yml")
    shutil.copytree(ROOT / "data", folder / "data", ignore=shutil.ignore_patterns("processed"))
    study = Study.from_yaml(folder / "study.yml")
    plan = study.plan
    survey, referrals = plan.dataset("survey"), plan.dataset("referrals")
    rng = np.random.default_rng(2019)

    entry = study.entry(survey)
    ds = spss.read(entry.path)
    codes, book = _widened(ds.codes, ds.codebook, SURVEY_WIDTH)
    if book is not ds.codebook:
        book.to_yaml(entry.codebook)
        ds = Dataset(frame=ds.frame, codebook=book, codes=codes)
    n0 = len(codes)
    extra = codes.iloc[rng.integers(0, n0, max(rows - n0, 0))].reset_index(drop=True)
    id_col = plan.column("survey", "id")
    prefix = str(codes[id_col].iloc[0])[0]
    extra[id_col] = [f"{prefix}{n0 + i + 1:07d}" for i in range(len(extra))]
    codes = pd.concat([codes, extra], ignore_index=True).iloc[:rows]
    for col in codes.columns:  # open answers made distinct: the personal-data scan sees every one
        var = ds.codebook.get(col)
        if var is not None and var.pii and codes[col].map(type).eq(str).any():
            text = codes[col].astype(object)
            filled = text.notna() & (text != "") & (codes.index >= n0)
            if filled.any() and text[filled].nunique() < filled.sum():
                codes.loc[filled, col] = text[filled] + " (" + codes.index[filled].astype(str) + ")"
    spss.write(Dataset(frame=codes, codebook=ds.codebook, codes=codes), entry.path)
    from analysis.validate.suites import regenerate_study

    list(regenerate_study(Study.from_yaml(folder / "study.yml"), [survey]))  # the wider codebook's suite

    entry = study.entry(referrals)
    log = study.load(referrals).codes
    n_ref = min(REFERRALS_PER_RESPONDENT * rows, MAX_REFERRALS)
    senders = set(codes[id_col].astype(str))
    log = log[log[plan.column("referrals", "sender")].astype(str).isin(senders)]
    log = log.iloc[rng.integers(0, len(log), n_ref)].reset_index(drop=True)
    ref_id = plan.column("referrals", "id")
    var = study.codebook(referrals).get(ref_id)
    if var is not None and var.pattern:  # a fixed number of digits cannot number millions
        wider = re.sub(r"\\d\{(\d+)\}", r"\\d{\1,}", var.pattern)
        for path in (entry.codebook, entry.suite):
            text = path.read_text(encoding="utf-8")
            quoted = json.dumps(var.pattern)[1:-1], json.dumps(wider)[1:-1]
            text = (
                text.replace(quoted[0], quoted[1])
                if path.suffix == ".json"
                else text.replace(var.pattern, wider)
            )
            path.write_text(text, encoding="utf-8")
    prefix = str(log[ref_id].iloc[0])[0]
    log[ref_id] = [f"{prefix}{i + 1:07d}" for i in range(n_ref)]
    csv = entry.path.with_suffix(".csv")
    log.to_csv(csv, index=False, date_format="%Y-%m-%d")
    entry.path.unlink()
    config = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
    config["datasets"][referrals]["path"] = str(csv.relative_to(folder))
    (folder / "study.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    return folder / "study.yml"


def _widened(codes, codebook, width: int):
    """The survey with repeated rating items added until it has ``width`` variables.

    A national monitor asks more than the example's 53 questions; the copies are labelled
    categorical items with user-missing codes (the costly kind to read and check), outside
    every scale, so the analyses are those of the example.
    """
    import dataclasses

    items = [v for v in codebook.variables if v.value_labels and v.missing_values and v.name in codes]
    extra, round_ = [], 2
    while items and len(codes.columns) < width:
        for var in items:
            if len(codes.columns) >= width:
                break
            name = f"{var.name}_m{round_}"
            extra.append(
                dataclasses.replace(
                    var, name=name, label=f"{var.label} (meting {round_})", scale=None, reverse=False
                )
            )
            codes[name] = codes[var.name].sample(frac=1.0, random_state=round_).to_numpy()
        round_ += 1
    if not extra:
        return codes, codebook
    return codes, dataclasses.replace(codebook, variables=(*codebook.variables, *extra))


# -- the stages, each run in its own process -----------------------------------------------------
def stage(name: str, study_path: Path) -> dict:
    """Run one stage in this process; return its figures (seconds measured around the work)."""
    t_start = time.perf_counter()
    from analysis.study import Study

    study = Study.from_yaml(study_path)
    plan = study.plan
    survey, referrals = plan.dataset("survey"), plan.dataset("referrals")
    out: dict = {}

    if name == "read_sav_baseline":
        import pyreadstat

        t0 = time.perf_counter()
        frame, _meta = pyreadstat.read_sav(str(study.entry(survey).path))
        out["seconds"] = time.perf_counter() - t0
        out["frame_mb"] = frame.memory_usage(deep=True).sum() / 1e6
        out["shape"] = list(frame.shape)
    elif name == "read_sav":
        _imports()  # the imports are not the reading
        t0 = time.perf_counter()
        ds = study.load(survey)
        out["seconds"] = time.perf_counter() - t0
        out["frame_mb"] = ds.frame.memory_usage(deep=True).sum() / 1e6
        out["shape"] = list(ds.frame.shape)
    elif name == "read_referrals_baseline":
        import pandas as pd

        t0 = time.perf_counter()
        frame = pd.read_csv(study.entry(referrals).path)
        out["seconds"] = time.perf_counter() - t0
        out["shape"] = list(frame.shape)
    elif name == "read_referrals":
        _imports()
        t0 = time.perf_counter()
        ds = study.load(referrals)
        out["seconds"] = time.perf_counter() - t0
        out["frame_mb"] = ds.frame.memory_usage(deep=True).sum() / 1e6
        out["shape"] = list(ds.frame.shape)
    elif name in ("gate", "gate_baseline"):
        out["frame_mb"] = _frames_mb(study)  # reading is measured by its own stage
        if name == "gate":
            from analysis.validate import cache, gate, suites

            t0 = time.perf_counter()
            suites.import_gx()
            out["import_seconds"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            result = gate.run(study)
            out["seconds"] = time.perf_counter() - t0
            out["checks"], out["failed"] = result.n_checks, len(result.failures)
            cache.store(study, result)  # the later stages start from a validated study
        else:
            t0 = time.perf_counter()
            out.update(pandas_gate(study))
            out["seconds"] = time.perf_counter() - t0
    elif name == "prepare":
        import analysis
        from analysis.prepare import compose

        vs = analysis.load(study_path)
        out["frame_mb"] = _frames_mb(vs)
        t0 = time.perf_counter()
        for part in compose.PARTS:
            compose.prepare(vs, part)
        out["seconds"] = time.perf_counter() - t0
    elif name == "models":
        import analysis
        from analysis import result_cache

        # as a first `bruggen report` runs them: each analysis once (the joint display reads the
        # results of the analyses it names instead of fitting them again), nothing stored before
        shutil.rmtree(study.processed_dir / "results", ignore_errors=True)
        result_cache.enable()
        vs = analysis.load(study_path)
        out["frame_mb"] = _frames_mb(vs)
        for part in ("survey", "referrals"):
            vs.prepared(part)
        t0 = time.perf_counter()
        each, peaks = {}, {}
        loaded_peak = _peak_mb()  # loading and preparing, before the first reset
        for analysis_name in plan.analyses:
            _reset_peak()
            t1 = time.perf_counter()
            vs.analyse(analysis_name)
            each[analysis_name] = round(time.perf_counter() - t1, 3)
            peaks[analysis_name] = _peak_mb()
        out["seconds"] = time.perf_counter() - t0
        out["per_analysis"] = dict(sorted(each.items(), key=lambda kv: -kv[1]))
        if loaded_peak is not None and all(v is not None for v in peaks.values()):
            out["peak_mb_per_analysis"] = dict(sorted(peaks.items(), key=lambda kv: -kv[1]))
            # resetting the peak resets what os.wait4 reports too: the stage's peak is the
            # highest of its parts
            out["peak_mb"] = max(loaded_peak, *peaks.values())
        out["analyses"] = len(plan.analyses)
    elif name == "load":
        import analysis

        t0 = time.perf_counter()
        analysis.load(study_path)
        out["seconds"] = time.perf_counter() - t0
    else:
        raise SystemExit(f"unknown stage {name}")
    out["process_seconds"] = time.perf_counter() - t_start
    return out


def _reset_peak() -> None:
    """Start this process's peak resident memory afresh (Linux: ``/proc/self/clear_refs``).

    The kernel's peak is then the peak since the reset, also the one ``os.wait4`` reports at
    the end: a stage that resets it must report its own overall peak (the models stage does).
    """
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_mb() -> float | None:
    """This process's peak resident memory since the last :func:`_reset_peak` (Linux), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def _frames_mb(study) -> float:
    """The loaded frames of every dataset (what peak memory is compared with): a validated
    study's own (never read a second time), a plain study's read if need be."""
    if hasattr(study, "dataset"):  # analysis.ValidatedStudy
        frames = [study.dataset(name).frame for name in study.study.datasets]
    else:
        frames = [study.get(name).frame for name in study.datasets]
    return sum(f.memory_usage(deep=True).sum() for f in frames) / 1e6


def _imports() -> None:
    """Import what reading needs, so that a reading stage times the reading only."""
    import importlib

    for module in ("pandas", "pyreadstat", "openpyxl", "analysis.ingest.spss", "analysis.ingest.tabular"):
        importlib.import_module(module)


def pandas_gate(study) -> dict:
    """The gate's expectations on the same frames, as plain vectorised pandas (the baseline)."""
    import pandas as pd

    from analysis.validate import evidence, gx, rules

    config = study.validation_rules() or None
    failed = handled = skipped = 0
    for name in study.datasets:
        ds = study.get(name)
        frame = evidence.validation_frame(ds)
        expectations, _origin, _checks = gx.suite_expectations(study, name, ds.codebook, config)
        for e in expectations:
            kind, kw = e["type"], e["kwargs"]
            handled += 1
            if kind == "expect_table_columns_to_match_set":
                failed += bool(set(kw["column_set"]) - set(frame.columns))
            elif kind == "expect_columns_to_have_types":
                for col, typ in kw["types"].items():
                    if col in frame:
                        k = frame[col].dtype.kind
                        ok = {"numeric": k in "iufb", "date": k == "M"}.get(typ, True)
                        failed += not ok
            elif kind == "expect_columns_values_to_be_in_set":
                cols = [c for c in kw["column_list"] if c in frame]
                block = frame[cols]
                failed += int((block.notna() & ~block.isin(kw["value_set"])).to_numpy().sum() > 0)
            elif kind == "expect_columns_values_to_be_between":
                for col in (c for c in kw["column_list"] if c in frame):
                    s = pd.to_numeric(frame[col], errors="coerce")
                    lo, hi = kw.get("min_value"), kw.get("max_value")
                    bad = (s < lo if lo is not None else False) | (s > hi if hi is not None else False)
                    failed += int(bool(bad.any()))
            elif kind == "expect_columns_values_to_not_be_null":
                cols = [c for c in kw["column_list"] if c in frame]
                failed += int(frame[cols].isna().to_numpy().any())
            elif kind == "expect_columns_values_to_be_unique":
                for col in (c for c in kw["column_list"] if c in frame):
                    failed += int(frame[col].dropna().duplicated().any())
            elif kind == "expect_column_values_to_match_regex":
                s = frame[kw["column"]].dropna().astype(str)
                failed += int(not s.str.match(kw["regex"]).all())
            elif kind == "expect_columns_values_to_be_null_outside":
                outside = ~frame.eval(kw["condition"]).fillna(False).astype(bool)
                cols = [c for c in kw["column_list"] if c in frame]
                failed += int(frame.loc[outside, cols].notna().to_numpy().any())
            elif kind == "expect_column_pairs_to_be_ordered":
                for big, small in kw["pairs"]:
                    a, b = (pd.to_numeric(frame[c], errors="coerce") for c in (big, small))
                    failed += int((a < b).any())
            else:
                handled -= 1
                skipped += 1
    # the references between datasets (which columns refer to which is the plan's; the check is pandas)
    datasets = {name: study.get(name) for name in study.datasets}
    for ref in rules.infer_references(datasets, config):
        source, target = rules._column(datasets, ref.source), rules._column(datasets, ref.target)
        if source is not None and target is not None:
            known = target.dropna().astype(str).str.strip().astype(object).unique()
            values = source.dropna().astype(str).str.strip().astype(object)
            failed += int(not values.isin(known).all())
            handled += 1
    return {"expectations": handled, "not_in_baseline": skipped, "failed": failed}


def run_measured(cmd: list[str], **kw) -> dict:
    """Run a command: its wall time, its own peak resident memory (``os.wait4``), its JSON output."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, **kw)
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{stderr[-3000:]}")
    result: dict = {"wall": wall, "peak_mb": usage.ru_maxrss / 1024}
    lines = stdout.strip().splitlines()
    if lines and lines[-1].startswith("{"):
        result.update(json.loads(lines[-1]))
    return result


#: Environment of every measured process: ``PYTHONPATH`` at a snapshot of the library taken when
#: the run starts (:func:`snapshot`), so that edits to the working tree during a run (which
#: rightly invalidate a stored validation) do not mix two versions of the code in one table.
ENV: dict[str, str] | None = None


def snapshot(folder: Path) -> dict[str, str]:
    """Copy ``src/analysis`` into ``folder`` and return an environment that imports it first."""
    shutil.copytree(
        ROOT / "src" / "analysis", folder / "analysis", ignore=shutil.ignore_patterns("__pycache__")
    )
    return {**os.environ, "PYTHONPATH": str(folder)}


def in_process(name: str, study: Path) -> dict:
    return run_measured([sys.executable, __file__, "--stage", name, "--study", str(study)], cwd=ROOT, env=ENV)


def bruggen(*args: str) -> dict:
    return run_measured([sys.executable, "-m", "analysis.cli", *args], cwd=ROOT, env=ENV)


def clear_caches(study_path: Path) -> None:
    processed = study_path.parent / "data" / "processed"
    if processed.is_dir():
        shutil.rmtree(processed)


# -- one size ---------------------------------------------------------------------------------
#: Stages that build reports: run only up to ``--report-max`` respondents (a batch of 25
#: reports at 1M respondents takes hours). The models are measured at every size.
REPORT_STAGES = ("report", "load", "batch")


def one_size(rows: int, stages: list[str], work: Path, *, report_max: int = 1_000) -> list[dict]:
    """Every stage at ``rows`` respondents: rows of the table."""
    if rows > report_max:
        stages = [s for s in stages if s not in REPORT_STAGES]
    folder = work / f"n{rows}"
    t0 = time.perf_counter()
    run_measured([sys.executable, __file__, "--make", str(rows), "--folder", str(folder)], cwd=ROOT, env=ENV)
    print(f"  built {rows:,} respondents in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    study = folder / "study.yml"
    out: list[dict] = []

    def row(
        stage_name: str,
        bruggen_fig: dict,
        baseline: dict | None = None,
        *,
        key: str = "seconds",
        note: str = "",
        target: str = "",
    ) -> None:
        entry = {
            "respondents": rows,
            "stage": stage_name,
            "seconds": round(bruggen_fig.get(key, bruggen_fig["wall"]), 3),
            "peak_mb": round(bruggen_fig["peak_mb"], 1),
            "target": target,
            "note": note,
        }
        if baseline is not None:
            entry["baseline_seconds"] = round(baseline.get(key, baseline["wall"]), 3)
            entry["baseline_peak_mb"] = round(baseline["peak_mb"], 1)
            entry["ratio"] = (
                round(entry["seconds"] / entry["baseline_seconds"], 2) if entry["baseline_seconds"] else None
            )
        for extra in (
            "frame_mb",
            "import_seconds",
            "checks",
            "failed",
            "analyses",
            "per_analysis",
            "peak_mb_per_analysis",
            "shape",
        ):
            if extra in bruggen_fig:
                entry[extra] = bruggen_fig[extra]
        if entry.get("frame_mb", 0) >= 100:  # below that the interpreter, not the data, is the peak
            entry["peak_per_frame"] = round(entry["peak_mb"] / entry["frame_mb"], 1)
        out.append(entry)
        print("  " + _line(entry), file=sys.stderr)

    if "read_sav" in stages:
        row(
            "read .sav",
            in_process("read_sav", study),
            in_process("read_sav_baseline", study),
            note="baseline pyreadstat.read_sav",
            target="<= 1.2x",
        )
    if "read_referrals" in stages:
        row(
            "read referrals",
            in_process("read_referrals", study),
            in_process("read_referrals_baseline", study),
            note="baseline pandas.read_csv",
        )
    if "gate" in stages:
        row(
            "gate",
            in_process("gate", study),
            in_process("gate_baseline", study),
            note="baseline: the same expectations and references in plain pandas",
            target="<= 3x",
        )
    if "prepare" in stages:
        row("prepare", in_process("prepare", study))
    if "models" in stages:
        row("models (every analysis)", in_process("models", study))
    first = None
    if "report" in stages:
        clear_caches(study)
        first = bruggen("report", "--study", str(study))
        row("report, first", first, key="wall")
        stored = _validation_entries(study)
        second = bruggen("report", "--study", str(study))
        reused = (
            "reused"
            if stored and stored == _validation_entries(study)
            else "NOT reused (code or input changed)"
        )
        row(
            "report, second",
            second,
            first,
            key="wall",
            note=f"ratio to the first; validation {reused}",
            target="<= 0.3x",
        )
    if "load" in stages:
        if first is None:
            bruggen("validate", "--study", str(study))
        row("analysis.load() after a report", in_process("load", study), target="< 1 s at 600")
    if "batch" in stages:
        # both from nothing stored: the batch against one first report
        clear_caches(study)
        one = bruggen("report", "--study", str(study))
        clear_caches(study)
        batch = bruggen("report", "--study", str(study), "--gemeente", "all")
        row(
            "batch: study + every municipality",
            batch,
            one,
            key="wall",
            note="ratio to one first report (nothing stored for either)",
            target="<= 4x",
        )
        try:
            sample = _municipality_codes(study)[:3]
            each = [bruggen("report", "--study", str(study), "--gemeente", code) for code in sample]
            per = sum(e["wall"] for e in each) / len(each)
            n = len(_municipality_codes(study))
            estimate = {"wall": per * n, "peak_mb": max(e["peak_mb"] for e in each)}
            row(
                "batch baseline: one process per municipality",
                estimate,
                one,
                key="wall",
                note=f"{len(sample)} measured, times {n}; ratio to one first report",
                target="(papermill ~25x)",
            )
            out[-2]["baseline_per_process_seconds"] = round(estimate["wall"], 3)
        except Exception as exc:  # the baseline is a guide, never a reason to lose the run
            print(f"  batch baseline skipped: {exc}", file=sys.stderr)
    shutil.rmtree(folder, ignore_errors=True)
    return out


def _validation_entries(study: Path) -> dict[str, int]:
    """The stored validations and their modification times (unchanged: the entry was reused)."""
    folder = study.parent / "data" / "processed"
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("validation-*")} if folder.is_dir() else {}


def _municipality_codes(study: Path) -> list[str]:
    import pandas as pd

    from analysis.study import Study

    s = Study.from_yaml(study)
    if not s.plan.has("municipalities"):
        return []
    frame = s.load(s.plan.dataset("municipalities")).frame
    return sorted(pd.Series(frame[s.plan.column("municipalities", "code")]).dropna().astype(str).unique())


def startup() -> list[dict]:
    out = []
    for label, cmd in {
        "import analysis": [sys.executable, "-c", "import analysis"],
        "bruggen --help": [str(BIN / "bruggen"), "--help"],
    }.items():
        runs = sorted((run_measured(cmd, cwd=ROOT, env=ENV) for _ in range(5)), key=lambda r: r["wall"])
        median = runs[2]
        entry = {
            "respondents": None,
            "stage": label,
            "seconds": round(median["wall"], 3),
            "peak_mb": round(median["peak_mb"], 1),
            "target": "< 0.3 s",
            "note": "median of 5",
        }
        out.append(entry)
        print("  " + _line(entry), file=sys.stderr)
    return out


def _line(e: dict) -> str:
    n = f"{e['respondents']:,}" if e.get("respondents") else "-"
    ratio = f"{e['ratio']:.2f}x" if e.get("ratio") is not None else ""
    base = f"{e['baseline_seconds']:.2f}" if "baseline_seconds" in e else ""
    per_frame = f"{e['peak_per_frame']:.1f}x" if e.get("peak_per_frame") else ""
    return (
        f"{n:>10}  {e['stage']:<44} {e['seconds']:>8.2f} {e['peak_mb']:>8.0f} {per_frame:>7} {base:>8} "
        f"{ratio:>7}  {e.get('target', ''):<14} {e.get('note', '')}"
    )


def table(rows: list[dict]) -> str:
    head = (
        f"{'respondents':>10}  {'stage':<44} {'seconds':>8} {'peak MB':>8} {'/frames':>7} {'base s':>8} "
        f"{'ratio':>7}  {'target':<14} note"
    )
    return "\n".join([head, "-" * len(head), *(_line(r) for r in rows)])


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--max", type=int, default=None, help="stop after this many respondents")
    parser.add_argument("--stages", default=",".join(STAGES), help=f"comma-separated: {','.join(STAGES)}")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument(
        "--report-max", type=int, default=1_000, help="largest size for report, load and batch"
    )
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--study", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--make", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage:
        print(json.dumps(stage(args.stage, args.study), default=str))
        return
    if args.make:
        make_study(args.folder, args.make)
        return

    stages = [s for s in args.stages.split(",") if s]
    unknown = set(stages) - set(STAGES)
    if unknown:
        parser.error(f"unknown stage(s): {', '.join(sorted(unknown))}")
    sizes = [n for n in args.sizes if args.max is None or n <= args.max]
    rows: list[dict] = []
    global ENV
    with tempfile.TemporaryDirectory(prefix="bruggen-bench-") as tmp:
        ENV = snapshot(Path(tmp) / "code")
        if "startup" in stages:
            rows += startup()
        for n in sizes:
            print(f"{n:,} respondents", file=sys.stderr)
            rows += one_size(n, stages, Path(tmp), report_max=args.report_max)
    print(table(rows))
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = args.out / f"run-{stamp}.json"
    meta = {
        "when": stamp,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "sizes": sizes,
        "stages": stages,
        "rows": rows,
    }
    path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main(sys.argv[1:])
