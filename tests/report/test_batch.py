"""The municipality batch in worker processes: the same pages, byte for byte, as in one process."""

from __future__ import annotations

from conftest import copy_example

from analysis.report.build import MAX_DEFAULT_JOBS, build_reports, default_jobs
from analysis.study import Study


def test_the_batch_in_two_processes_writes_the_same_bytes_as_in_one(built, tmp_path):
    study, paths = built  # the session's batch, made in one process
    other = Study.from_yaml(copy_example(tmp_path))
    parallel = build_reports(other, municipalities=["all"], progress=False, jobs=2)
    ours = {p.relative_to(study.reports_dir).as_posix(): p for p in paths}
    theirs = {p.relative_to(other.reports_dir).as_posix(): p for p in parallel}
    assert list(theirs) == list(ours)  # the same files, written in the same order
    assert sum(name.endswith(".html") for name in ours) == 1 + 25 + 1  # study, municipalities, validation
    different = [name for name in ours if ours[name].read_bytes() != theirs[name].read_bytes()]
    assert not different


def test_the_default_number_of_processes_is_the_cores_within_bounds():
    assert 1 <= default_jobs() <= MAX_DEFAULT_JOBS
