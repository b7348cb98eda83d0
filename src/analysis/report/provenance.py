"""Herkomst (provenance): what a report was made from and with.

The SHA-256 of every input file (study.yml, each dataset with its codebook and suite, the names
list, the researcher's texts), the Bruggen version and git commit, the locked package versions
beside the installed ones, the settings and the disclosure policy. Nothing here varies between
two runs on the same inputs and environment.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from analysis import __version__

if TYPE_CHECKING:
    from analysis.study import Study

#: The source tree Bruggen runs from (a git checkout when installed for development).
SOURCE = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class InputFile:
    role: str  # report text key: role_study, role_data ...
    path: Path
    shown: str  # relative to the study's folder where it lies inside it
    sha256: str


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def input_files(study: Study, texts: list[Path]) -> list[InputFile]:
    """Every file the report rests on, in a fixed order."""
    items: list[tuple[str, Path]] = []
    if study.source is not None:
        items.append(("role_study", Path(study.source)))
    for entry in study.datasets.values():
        items.append(("role_data", entry.path))
        if entry.codebook is not None:
            items.append(("role_codebook", entry.codebook))
        if entry.suite is not None:
            items.append(("role_suite", entry.suite))
    names = study.section("privacy").get("names_file")
    if names:
        items.append(("role_names", study.resolve(names)))
    items += [("role_text", p) for p in texts]
    out, seen = [], set()
    for role, path in items:
        path = Path(path)
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        try:
            shown = path.resolve().relative_to(study.root.resolve()).as_posix()
        except ValueError:
            shown = path.name
        out.append(InputFile(role, path, shown, sha256(path)))
    return out


@cache
def git_commit() -> str | None:
    """The commit of Bruggen's source tree, or None when it is not a git checkout."""
    if not (SOURCE / ".git").exists():
        return None
    try:
        done = subprocess.run(
            ["git", "-C", str(SOURCE), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
    except OSError:
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


@cache
def packages() -> tuple[tuple[str, str, str], ...]:
    """(package, locked, installed) for every package in requirements.lock (or, without it, Bruggen's own)."""
    lock = SOURCE / "requirements.lock"
    pairs: list[tuple[str, str]] = []
    if lock.is_file():
        for line in lock.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if "==" in line and not line.startswith("-"):
                name, version = line.split("==", 1)
                pairs.append((name.strip(), version.split(";")[0].strip()))
    else:
        requires = metadata.requires("bruggen") or []
        pairs = [(r.split(">")[0].split("=")[0].split("<")[0].split("[")[0].strip(), "") for r in requires]
    out = []
    for name, locked in pairs:
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = ""
        out.append((name, locked, installed))
    return tuple(out)


def html(study: Study, texts: list[Path], t: dict[str, str], settings: list[tuple[str, str]]) -> Markup:
    """The herkomst block of the appendix."""
    rows = "".join(
        f"<tr><td>{escape(t[f.role])}</td><td><code>{escape(f.shown)}</code></td>"
        f'<td class="hash"><code>{f.sha256}</code></td></tr>'
        for f in input_files(study, texts)
    )
    commit = git_commit()
    version = t["provenance_version"].format(version=__version__, commit=commit or t["provenance_no_commit"])
    setting_rows = "".join(
        f'<tr><th scope="row">{escape(k)}</th><td>{escape(v)}</td></tr>' for k, v in settings
    )
    pkgs = packages()
    differ = [p for p in pkgs if p[1] and p[2] and p[1] != p[2]]
    pkg_rows = "".join(
        f"<tr><td>{escape(n)}</td><td>{escape(lv)}</td><td>{escape(iv or '-')}</td></tr>"
        for n, lv, iv in pkgs
    )
    return Markup(
        f'<div class="herkomst"><p>{escape(t["provenance_intro"])}</p>'
        f'<table class="bestanden"><caption>{escape(t["provenance_files"])}</caption>'
        f'<thead><tr><th scope="col">{escape(t["provenance_role"])}</th><th scope="col">'
        f'{escape(t["provenance_file"])}</th><th scope="col">SHA-256</th></tr></thead><tbody>{rows}</tbody></table>'
        f"<p>{escape(version)}</p>"
        f'<table class="instellingen"><caption>{escape(t["provenance_settings"])}</caption><tbody>{setting_rows}'
        "</tbody></table>"
        f"<details><summary>{escape(t['provenance_packages'].format(n=len(pkgs), differ=len(differ)))}</summary>"
        f'<table class="pakketten"><thead><tr><th scope="col">{escape(t["provenance_package"])}</th>'
        f'<th scope="col">{escape(t["provenance_locked"])}</th><th scope="col">{escape(t["provenance_installed"])}'
        f"</th></tr></thead><tbody>{pkg_rows}</tbody></table></details></div>"
    )
