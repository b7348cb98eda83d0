"""Signatures that keep the stores in ``data/processed/`` from running anyone else's code.

The stored validation (:mod:`analysis.validate.cache`) and the stored results
(:mod:`analysis.result_cache`) are pickles, and unpickling a file runs whatever code its author
put in it. The processed folder may be shared or synced, so a file found there is not
necessarily this user's. Every stored pickle is therefore written together with its
HMAC-SHA256 (of the exact bytes, recorded in the manifest beside it) under a secret key of
this user, and read only after that HMAC is checked (:func:`hmac.compare_digest`):
a file without a valid signature is never unpickled; the caller treats the store as absent,
warns, and computes again.

The key
    32 random bytes, as hex, in :func:`key_file`: ``$BRUGGEN_STORE_KEY_FILE`` if set (tests,
    CI), else ``$XDG_CONFIG_HOME/bruggen/store.key``, else ``~/.config/bruggen/store.key``;
    never inside a study or the repository. It is created on first use with mode 0600 (its
    folder 0700). On POSIX, a key file that other users can read or write, or that belongs to
    another user, is refused (anyone who can read it can sign a pickle). Deleting it is safe:
    a new key is made and every store is computed again once.

Reading safely
    :func:`open_verified` checks the signature before a single byte reaches the unpickler, and
    makes sure the bytes unpickled are the bytes checked: a file that only this user can change
    is streamed (a validation holds the datasets: it is never held as one block of bytes), any
    other file is read into memory first, so it cannot be changed in place between the check
    and the load.

Objects pickled inside a signed pickle (the fitted models of a result, kept as bytes and
unpickled when used) are covered by the outer file's signature.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO

#: The environment variable that names the key file (tests and CI point it elsewhere).
KEY_FILE_ENV = "BRUGGEN_STORE_KEY_FILE"
#: Random bytes in a new key.
KEY_BYTES = 32
#: Bytes read at a time when a file is checked.
BLOCK = 1 << 24

#: key file path -> its key, read once per process.
_KEYS: dict[Path, bytes] = {}


class StoreKeyError(OSError):
    """The key could not be read or created: nothing can be stored or trusted in this process."""


class UnsignedStoreError(ValueError):
    """A stored file whose signature is missing or was not made with this user's key."""


class DamagedStoreError(ValueError):
    """A stored file whose SHA-256 differs from its manifest's (truncated or overwritten)."""


def key_file() -> Path:
    """Where this user's store key lives (see the module docstring); it may not exist yet."""
    named = os.environ.get(KEY_FILE_ENV)
    if named:
        return Path(named).expanduser()
    config = Path(os.environ.get("XDG_CONFIG_HOME") or "~/.config").expanduser()
    base = config if config.is_absolute() else Path.home() / ".config"  # as the XDG spec says
    return base / "bruggen" / "store.key"


def key() -> bytes:
    """This user's secret key, created (mode 0600) when it does not exist yet.

    Raises
    ------
    StoreKeyError
        When the key file cannot be read or created, holds no key, can be read or changed by
        other users, or is named by a relative path.
    """
    path = key_file()
    found = _KEYS.get(path)
    if found is None:
        if not path.is_absolute():  # relative to whatever folder Bruggen runs in: a study's
            raise StoreKeyError(f"{KEY_FILE_ENV} must name the key file by an absolute path, not {path}")
        found = _KEYS[path] = _read_or_create(path)
    return found


def _read_or_create(path: Path) -> bytes:
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    except StoreKeyError:
        raise
    except OSError as exc:
        raise StoreKeyError(f"could not read the store key {path} ({exc})") from exc
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".store.key.", suffix=".tmp")  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(secrets.token_hex(KEY_BYTES) + "\n")
            os.chmod(tmp, 0o600)
            try:
                os.link(tmp, path)  # never replaces a key another process made meanwhile
            except FileExistsError:
                pass
            except OSError:  # a file system without hard links
                if not path.exists():
                    os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except OSError as exc:
        raise StoreKeyError(f"could not create the store key {path} ({exc})") from exc
    try:
        return _read(path)
    except OSError as exc:
        raise StoreKeyError(f"could not read the store key {path} ({exc})") from exc


def _read(path: Path) -> bytes:
    with path.open("rb") as fh:
        if os.name == "posix":
            st = os.fstat(fh.fileno())
            if st.st_uid != os.getuid() or st.st_mode & 0o077:
                raise StoreKeyError(
                    f"the store key {path} can be read or changed by other users; "
                    f"make it yours with mode 0600 (chmod 600) or delete it to make a new one"
                )
        text = fh.read().decode("ascii", errors="replace").strip()
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) < KEY_BYTES:
        raise StoreKeyError(f"the store key {path} holds no key; delete it to make a new one")
    return secret


def check_apart(*folders: Path) -> None:
    """Refuse a key file inside any of ``folders`` (a study, the folder of its stores).

    Whoever can write the stores there could then read or replace the key that signs them. A
    folder that holds the user's home directory (a study kept in ``~`` itself) is not checked:
    the default key lives under the home directory by design.

    Raises
    ------
    StoreKeyError
        The key file lies inside one of the folders.
    """
    path = key_file().resolve()
    home = Path.home().resolve()
    for folder in folders:
        folder = folder.resolve()
        if path.is_relative_to(folder) and not home.is_relative_to(folder):
            raise StoreKeyError(
                f"the store key {path} lies inside {folder}: keep it outside the study "
                f"(the default is ~/.config/bruggen/store.key)"
            )


def new_mac() -> hmac.HMAC:
    """An HMAC-SHA256 under this user's key, to be fed the bytes of a file as they are written."""
    return hmac.new(key(), digestmod=hashlib.sha256)


def sign(data: bytes) -> str:
    """The hex HMAC-SHA256 of ``data`` under this user's key."""
    mac = new_mac()
    mac.update(data)
    return mac.hexdigest()


def open_verified(path: Path, signature: object, sha256: object = None) -> BinaryIO:
    """The file at ``path``, opened for reading at its start, once its signature is checked.

    Parameters
    ----------
    path
        The stored file.
    signature
        The hex HMAC-SHA256 recorded for it (anything else counts as no signature).
    sha256
        The hex SHA-256 recorded for it, or None: computed only when the signature fails, to
        tell damage apart from a foreign file (a valid signature covers every byte).

    Returns
    -------
    BinaryIO
        The file itself, when only this user can change it in place (POSIX: owned by this
        user, not writable by group or others), else its bytes in memory: either way what is
        read from it is exactly what was checked. The caller closes it.

    Raises
    ------
    DamagedStoreError
        The signature fails and the SHA-256 differs too (the file is truncated or was
        overwritten).
    UnsignedStoreError
        No signature, or one not made with this user's key, for bytes that match the
        recorded SHA-256.
    StoreKeyError
        This user's key cannot be read or created.
    """
    mac = new_mac()
    fh = path.open("rb")
    try:
        if _private(fh):
            for block in iter(lambda: fh.read(BLOCK), b""):
                mac.update(block)
            checked: BinaryIO = fh
        else:
            data = fh.read()
            fh.close()
            mac.update(data)
            checked = io.BytesIO(data)
        if not _is_hex(signature) or not hmac.compare_digest(mac.hexdigest(), signature):
            # only now the SHA-256 (a second pass, on a file that is refused anyway): damage or a
            # file of someone else's, named either way
            checked.seek(0)
            digest = hashlib.sha256()
            for block in iter(lambda: checked.read(BLOCK), b""):
                digest.update(block)
            if sha256 is not None and digest.hexdigest() != sha256:
                raise DamagedStoreError(
                    f"its data file {path.name} is damaged (SHA-256 differs) and not signed by "
                    f"this user, so it was not unpickled"
                )
            raise UnsignedStoreError(
                f"its data file {path.name} was not signed by this user (no valid signature "
                f"with the key in {key_file()}), so it was not unpickled"
            )
        checked.seek(0)
    except BaseException:
        fh.close()
        raise
    return checked


def _is_hex(signature: object) -> bool:
    return isinstance(signature, str) and signature.isascii() and signature.isalnum()


def _private(fh: BinaryIO) -> bool:
    """Whether only this user (or root) can change the open file in place."""
    if os.name != "posix":
        return False
    st = os.fstat(fh.fileno())
    return st.st_uid == os.getuid() and not st.st_mode & 0o022
