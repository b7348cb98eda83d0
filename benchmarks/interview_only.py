"""How long `bruggen validate` and `bruggen report` take on an interview-only study with a large code system.

Writes a synthetic REFI-QDA project (seeded): ``--interviews`` transcripts, ``--codes`` codes in
``--families`` code families (the top level), code frequencies skewed like a real project's, no
case attributes; a study.yml that binds only ``plan.interviews`` (no survey, no side) and
declares themes (with saturation) and co-occurrence per segment and per interview. Then runs
``bruggen validate`` and ``bruggen report`` on it, each in its own process, and prints a table.

Run from the repository root (not part of the test suite)::

    .venv/bin/python benchmarks/interview_only.py                  # 221 codes, 40 interviews
    .venv/bin/python benchmarks/interview_only.py --codes 300 --interviews 60
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

NS = "urn:QDA-XML:project:1.0"


def _guid(rng) -> str:
    return str(uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | int(rng.integers(0, 2**63)))).upper()


def write_project(path: Path, *, n_codes: int, n_families: int, n_interviews: int, seed: int = 2026) -> None:
    """A REFI-QDA project of ``n_interviews`` transcripts coded with ``n_codes`` codes."""
    import numpy as np

    rng = np.random.default_rng(seed)
    user = _guid(rng)
    families = [(_guid(rng), f"F{f:02d} FAMILIE_{f:02d}") for f in range(n_families)]
    codes = [
        (_guid(rng), f"F{k % n_families:02d}.{k:03d} CODE_{k:03d}", k % n_families) for k in range(n_codes)
    ]
    weights = 1.0 / np.arange(1, n_codes + 1)
    weights /= weights.sum()
    xml = [f'<?xml version="1.0" encoding="UTF-8"?>\n<Project xmlns="{NS}" name="synthetisch">']
    xml.append(f'<Users><User guid="{user}" name="Codeur (synthetisch)"/></Users>')
    xml.append("<CodeBook><Codes>")
    for f, (fg, fname) in enumerate(families):
        xml.append(f'<Code guid="{fg}" name={quoteattr(fname)} isCodable="false">')
        for cg, cname, fam in codes:
            if fam == f:
                xml.append(f'<Code guid="{cg}" name={quoteattr(cname)} isCodable="true"/>')
        xml.append("</Code>")
    xml.append("</Codes></CodeBook><Sources>")
    texts = {}
    for d in range(n_interviews):
        sg = _guid(rng)
        sentences = [f"Zin {s} van interview {d + 1} over de samenwerking in de wijk." for s in range(120)]
        text = " ".join(sentences)
        texts[sg] = text
        xml.append(
            f'<TextSource guid="{sg}" name="Interview {d + 1:02d}" plainTextPath="internal://{sg}.txt" '
            f'creatingUser="{user}" creationDateTime="2026-03-{1 + d % 28:02d}T12:00:00Z">'
        )
        pos = 0
        for s in range(0, 120, 2):  # a segment of two sentences, one to four codes
            length = len(sentences[s]) + 1 + len(sentences[s + 1])
            xml.append(
                f'<PlainTextSelection guid="{_guid(rng)}" startPosition="{pos}" endPosition="{pos + length}">'
            )
            for k in rng.choice(n_codes, size=int(rng.integers(1, 5)), replace=False, p=weights):
                xml.append(
                    f'<Coding guid="{_guid(rng)}" creatingUser="{user}"><CodeRef targetGUID="{codes[k][0]}"/></Coding>'
                )
            xml.append("</PlainTextSelection>")
            pos += length + 1
        xml.append("</TextSource>")
    xml.append("</Sources></Project>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", "\n".join(xml))
        for sg, text in texts.items():
            z.writestr(f"sources/{sg}.txt", text)


STUDY = """name: alleen_interviews
title: Interviews zonder enquete (synthetisch)
synthetic: true
language: nl
datasets:
  gesprekken:
    path: project.qdpx
paths: {reports: reports, processed: processed}
plan:
  interviews: {dataset: gesprekken}
analyses:
  themas: {kind: interview_themes}
  samenloop_fragment: {kind: cooccurrence, unit: segment}
  samenloop_interview: {kind: cooccurrence, unit: document}
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=221)
    parser.add_argument("--families", type=int, default=14)
    parser.add_argument("--interviews", type=int, default=40)
    args = parser.parse_args(argv)
    print(f"{'codes':>6} {'interviews':>10} {'stage':<10} {'seconds':>8} {'ok':>4}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_project(
            folder / "project.qdpx",
            n_codes=args.codes,
            n_families=args.families,
            n_interviews=args.interviews,
        )
        (folder / "study.yml").write_text(STUDY, encoding="utf-8")
        for stage in ("validate", "report"):
            t0 = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "analysis.cli", stage, "--study", str(folder / "study.yml")],
                capture_output=True,
                text=True,
            )
            seconds = time.perf_counter() - t0
            ok = "yes" if done.returncode == 0 else "no"
            print(f"{args.codes:>6} {args.interviews:>10} {stage:<10} {seconds:>8.1f} {ok:>4}", flush=True)
            if done.returncode != 0:
                print(done.stderr[-2000:])
                break


if __name__ == "__main__":
    main()
