"""Stores that cannot run someone else's code (analysis.store_signing).

A stored validation or result is a pickle, and unpickling runs code. Each is signed with this
user's key and unpickled only when the signature holds: a file put into the processed folder by
anyone else (a colleague's machine, a synced folder, an attacker) is refused, and the store is
computed again. The "attacker's" pickle here creates a marker file when it is unpickled.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import pickle
import stat
import warnings
from pathlib import Path

import pytest
from conftest import copy_example

import analysis
from analysis import result_cache, store_signing
from analysis.study import Study, ValidatedStudy
from analysis.validate import cache, gate

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


class _Payload:
    """Unpickling this creates ``marker``: the code an attacker's pickle would run."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return open, (str(self.marker), "w")


def _malicious(marker: Path) -> bytes:
    return pickle.dumps(_Payload(marker))


@pytest.fixture
def key_at(monkeypatch, tmp_path):
    """Point this process at another key file (the user's key of another machine)."""

    def use(path: Path) -> Path:
        monkeypatch.setenv(store_signing.KEY_FILE_ENV, str(path))
        return path

    return use


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    """A copy of the example study whose validation passed and was stored, signed."""
    path = copy_example(tmp_path_factory.mktemp("voorbeeld"))
    assert gate.require_pass(Study.from_yaml(path)).passed
    return path


# -- the key --------------------------------------------------------------------------------------
@posix_only
def test_a_missing_key_file_is_created_private_and_then_kept(key_at, tmp_path, monkeypatch):
    path = key_at(tmp_path / "config" / "bruggen" / "store.key")
    assert not path.parent.exists()
    secret = store_signing.key()
    assert path.is_file() and len(secret) == store_signing.KEY_BYTES
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    monkeypatch.setattr(store_signing, "_KEYS", {})  # as a new process: read, not made again
    assert store_signing.key() == secret
    assert store_signing.sign(b"data") == store_signing.sign(b"data") != store_signing.sign(b"datb")


def test_the_key_lives_in_the_users_config_folder_unless_named(monkeypatch, tmp_path):
    monkeypatch.delenv(store_signing.KEY_FILE_ENV)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert store_signing.key_file() == tmp_path / "xdg" / "bruggen" / "store.key"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert store_signing.key_file() == tmp_path / "home" / ".config" / "bruggen" / "store.key"


@posix_only
def test_a_key_file_other_users_can_read_is_refused(key_at, tmp_path):
    path = key_at(tmp_path / "store.key")
    store_signing.key()
    path.chmod(0o644)
    store_signing._KEYS.pop(path)
    with pytest.raises(store_signing.StoreKeyError, match="other users"):
        store_signing.key()


# -- reading only what this user signed -------------------------------------------------------------
def test_a_pickle_signed_with_another_key_is_refused_before_it_is_unpickled(key_at, tmp_path):
    key_at(tmp_path / "theirs.key")
    marker = tmp_path / "ran"
    name, sha, signature = cache.dump_pickle(_Payload(marker), tmp_path, "probe")  # signed by them
    assert not marker.exists()
    key_at(tmp_path / "mine.key")
    with pytest.raises(
        store_signing.UnsignedStoreError, match=r"probe-\w+\.pickle was not signed by this user"
    ):
        cache.load_pickle(tmp_path / name, sha, signature)
    with pytest.raises(store_signing.UnsignedStoreError):  # no signature at all
        cache.load_pickle(tmp_path / name, sha, None)
    assert not marker.exists()


@posix_only
def test_a_file_others_may_change_is_unpickled_from_the_bytes_that_were_checked(tmp_path):
    name, sha, signature = cache.dump_pickle({"answer": 42}, tmp_path, "probe")
    path = tmp_path / name
    assert not path.stat().st_mode & 0o022  # a store is written writable by its user only
    with store_signing.open_verified(path, signature, sha) as fh:
        assert not isinstance(fh, io.BytesIO)  # so it is streamed from the file, not held in memory
    path.chmod(0o666)  # a shared folder: someone else could rewrite it in place
    with store_signing.open_verified(path, signature, sha) as fh:
        assert isinstance(fh, io.BytesIO)  # held in memory, not read from the file again
        marker = tmp_path / "ran"
        path.write_bytes(_malicious(marker))  # rewritten between the check and the load
        assert pickle.load(fh) == {"answer": 42}
    assert not marker.exists()
    path.chmod(0o600)  # a private file is streamed
    with pytest.raises(store_signing.DamagedStoreError, match="damaged"):
        store_signing.open_verified(path, signature, sha)
    assert not marker.exists()


# -- the stores ------------------------------------------------------------------------------------
def _replace_pickle(manifest: Path, damage: str, marker: Path) -> None:
    """Put an attacker's pickle in place of a store's, with the manifest made to match it."""
    stored = json.loads(manifest.read_text(encoding="utf-8"))
    data = manifest.with_name(stored["data"])
    evil = _malicious(marker)
    data.write_bytes(evil)
    stored["sha256"] = hashlib.sha256(evil).hexdigest()  # anyone can compute this
    if damage == "signed with another key":
        stored["hmac"] = hmac.new(os.urandom(32), evil, hashlib.sha256).hexdigest()
    elif damage == "no signature":
        del stored["hmac"]
    manifest.write_text(json.dumps(stored), encoding="utf-8")


@pytest.mark.parametrize("damage", ["old signature", "signed with another key", "no signature"])
def test_a_replaced_validation_pickle_is_not_unpickled_and_the_gate_runs_again(
    example, runs, tmp_path, damage
):
    study = Study.from_yaml(example)
    assert cache.load(study) is not None  # the stored validation serves
    marker = tmp_path / "ran"
    manifest = cache.manifest_path(study)
    _replace_pickle(manifest, damage, marker)
    with pytest.warns(cache.CacheWarning, match=r"validation-\w+-\w+\.pickle was not signed by this user"):
        vs = analysis.load(example)
    assert not marker.exists(), "the attacker's pickle was unpickled"
    assert vs.validation.passed and runs == ["voorbeeldstudie"]  # validated again, not an error
    with warnings.catch_warnings():
        warnings.simplefilter("error", cache.CacheWarning)
        assert cache.load(Study.from_yaml(example)) is not None  # stored again, signed by this user


@pytest.fixture
def analyses_run(monkeypatch) -> list[str]:
    from analysis import analyses

    calls: list[str] = []
    real = analyses.run

    def counting(vs, spec, **kw):
        calls.append(spec.name)
        return real(vs, spec, **kw)

    monkeypatch.setattr(analyses, "run", counting)
    result_cache.enable()
    yield calls
    result_cache.enable(False)


def test_a_stored_result_is_reused_and_a_replaced_one_is_computed_again(example, analyses_run, tmp_path):
    vs = analysis.load(example)
    first = vs.analyse("respons")
    again = ValidatedStudy(Study.from_yaml(example), vs.validation).analyse("respons")  # as a new process
    assert analyses_run == ["respons"]  # the second run used the store
    assert again.findings() == first.findings()

    (manifest,) = (vs.study.processed_dir / "results").glob("respons-nl-*.json")
    marker = tmp_path / "ran"
    _replace_pickle(manifest, "old signature", marker)
    with pytest.warns(cache.CacheWarning, match=r"respons-nl-\w+-\w+\.pickle was not signed by this user"):
        recomputed = ValidatedStudy(Study.from_yaml(example), vs.validation).analyse("respons")
    assert not marker.exists(), "the attacker's pickle was unpickled"
    assert analyses_run == ["respons", "respons"] and recomputed.findings() == first.findings()
    ValidatedStudy(Study.from_yaml(example), vs.validation).analyse("respons")
    assert len(analyses_run) == 2  # stored again, signed: used


def test_stores_of_another_users_key_are_computed_again(example, runs, key_at, tmp_path):
    """A colleague's store (made with their key) is never used, whatever its manifest says."""
    key_at(tmp_path / "colleague.key")
    cache.store(Study.from_yaml(example), gate.run(Study.from_yaml(example)))  # their machine
    runs.clear()
    key_at(tmp_path / "mine.key")
    with pytest.warns(cache.CacheWarning, match="not signed by this user"):
        assert analysis.load(example).validation.passed
    assert runs == ["voorbeeldstudie"]


def test_without_a_usable_key_nothing_is_stored_or_trusted_and_nothing_fails(example, runs, key_at, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    key_at(blocker / "store.key")  # its folder cannot be made
    study = Study.from_yaml(example)
    with pytest.warns(cache.CacheWarning, match="store key"):
        assert cache.load(study) is None
    with pytest.warns(cache.CacheWarning, match="could not store the validation"):
        assert cache.store(study, gate.run(study)) is None


def test_a_key_inside_the_study_or_named_relatively_is_refused(example, runs, key_at, tmp_path):
    """Whoever can write the study's folder could read or replace a key kept there."""
    study = Study.from_yaml(example)
    key_at(study.processed_dir / "store.key")
    with pytest.warns(cache.CacheWarning, match="lies inside"):
        assert cache.load(study) is None
    with pytest.warns(cache.CacheWarning, match="could not store the validation.*lies inside"):
        assert cache.store(study, gate.run(study)) is None
    assert not (study.processed_dir / "store.key").exists()
    key_at(Path("store.key"))  # relative to wherever Bruggen runs: often the study
    with pytest.raises(store_signing.StoreKeyError, match="absolute path"):
        store_signing.key()
