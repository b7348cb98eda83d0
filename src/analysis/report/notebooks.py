"""The analysis notebooks as HTML pages for the team: ``reports/notebooks/<name>.html``.

Each jupytext percent script in the study's ``notebooks/`` folder is executed top to bottom with a
real kernel and exported by nbconvert. Plotly needs ``PLOTLY_RENDERER=notebook`` when a notebook
runs headless, or the export shows no figures: the kernel is started with it, so each figure
carries plotly.js with it. The export's scripts from a CDN (require.js, MathJax) are left out,
so the pages open offline and ask no network for anything (LaTeX in Markdown cells then shows as
typed).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

from analysis.errors import BruggenError


@contextmanager
def _environment(**values: str):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def render_notebooks(
    folder: Path, out: Path, names: Iterable[str] | None = None, timeout: int = 900
) -> list[Path]:
    """Execute the notebooks in ``folder`` (all, or those whose file stem is in ``names``); write HTML to ``out``.

    Raises
    ------
    BruggenError
        A notebook raised an error (the page is not written; the message names the cell).
    """
    import jupytext
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbconvert import HTMLExporter

    wanted = set(names) if names is not None else None
    scripts = [p for p in sorted(folder.glob("*.py")) if wanted is None or p.stem in wanted]
    if wanted is not None and len(scripts) != len(wanted):
        known = ", ".join(p.stem for p in sorted(folder.glob("*.py")))
        raise BruggenError(f"no such notebook in {folder}: {sorted(wanted)}", hint=f"notebooks: {known}")
    out.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(template_name="lab")
    written = []
    for script in scripts:
        nb = jupytext.read(script)
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        client = NotebookClient(
            nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(script.parent)}}
        )
        with _environment(PLOTLY_RENDERER="notebook"):
            try:
                client.execute()
            except CellExecutionError as exc:
                raise BruggenError(
                    f"notebook {script.name} failed: {str(exc).splitlines()[0] if str(exc) else exc}",
                    path=script,
                    hint="run it in JupyterLab (make lab) to see the cell",
                ) from exc
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": script.stem}})
        body = _offline(body)
        target = out / f"{script.stem}.html"
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(body, encoding="utf-8")
        tmp.replace(target)
        written.append(target)
    return written


def _offline(html: str) -> str:
    """The page without ``<script src="http...">`` elements (nbconvert's CDN scripts)."""
    return re.sub(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>\s*', "", html)
