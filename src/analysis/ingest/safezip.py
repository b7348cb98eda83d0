"""Opening ZIP containers (``.qdpx``, ``.xlsx``) without trusting them.

A hostile or broken archive can name members outside the folder it is unpacked into (``../``),
claim gigabytes of content in a few kilobytes (a zip bomb), or hold thousands of members.
Bruggen never unpacks to disk: it reads members into memory, and :func:`check_archive` refuses
an archive before anything is read from it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from analysis.errors import ReadError

__all__ = ["MAX_MEMBERS", "MAX_MEMBER_BYTES", "MAX_RATIO", "MAX_TOTAL_BYTES", "check_archive", "read_member"]

#: Largest uncompressed size of one member Bruggen reads.
MAX_MEMBER_BYTES = 256 * 1024 * 1024
#: Largest uncompressed size of all members together.
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
#: Largest number of members.
MAX_MEMBERS = 20_000
#: Largest compression ratio of a member bigger than 1 MB (zip bombs reach 1000:1 and more).
MAX_RATIO = 200


def check_archive(zf: zipfile.ZipFile, path: Path) -> None:
    """Refuse archives with unsafe member names, too many members or implausible sizes.

    Parameters
    ----------
    zf
        The open archive.
    path
        Its file, for messages.

    Raises
    ------
    ReadError
        What is wrong and what to do.
    """
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ReadError(
            f"the archive holds {len(infos)} files, more than Bruggen accepts ({MAX_MEMBERS})",
            path=path,
            hint="export the project again; if it really is that large, split it",
        )
    total = 0
    for info in infos:
        unsafe_name(info.filename, path)
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES:
            raise ReadError(
                f"{info.filename!r} inside the archive unpacks to {info.file_size / 1e6:.0f} MB, "
                f"more than Bruggen reads ({MAX_MEMBER_BYTES // 2**20} MB)",
                path=path,
                hint="this is unusual for an interview project; export it again without media files",
            )
        if info.file_size > 2**20 and info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            raise ReadError(
                f"{info.filename!r} inside the archive is compressed {info.file_size // info.compress_size}:1, "
                "which only a zip bomb does",
                path=path,
                hint="do not open this file; ask the sender for a fresh export",
            )
    if total > MAX_TOTAL_BYTES:
        raise ReadError(
            f"the archive unpacks to {total / 1e9:.1f} GB, more than Bruggen reads",
            path=path,
            hint="export the project again without audio and video files",
        )


def unsafe_name(name: str, path: Path) -> None:
    """Raise when a member name points outside the archive (absolute, ``..``, drive letters)."""
    posix = PurePosixPath(name.replace("\\", "/"))
    if posix.is_absolute() or ".." in posix.parts or (posix.parts and ":" in posix.parts[0]):
        raise ReadError(
            f"the archive contains a file named {name!r}, which points outside the archive",
            path=path,
            hint="this is how malicious archives try to overwrite files; do not unpack it, and ask "
            "the sender for a fresh export",
        )


def read_member(zf: zipfile.ZipFile, name: str, path: Path, limit: int = MAX_MEMBER_BYTES) -> bytes:
    """Read one member into memory, stopping at ``limit`` bytes whatever its header claims."""
    with zf.open(name) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ReadError(
            f"{name!r} inside the archive is larger than {limit // 2**20} MB",
            path=path,
            hint="export the project again without media files",
        )
    return data
