"""Every notebook in notebooks/ runs top to bottom with a real Jupyter kernel."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no jupytext percent scripts"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_a_percent_script_without_outputs(path):
    import jupytext

    text = path.read_text(encoding="utf-8")
    assert "format_name: percent" in text
    nb = jupytext.reads(text, fmt="py:percent")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a notebook without code cells"
    assert len(code) <= 12, "keep notebooks short: functions belong in src/analysis/"
    assert not any(line.lstrip().startswith("def ") for c in code for line in c.source.splitlines()), (
        "no `def` in notebooks: put functions in src/analysis/"
    )


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes_with_a_real_kernel(path):
    import jupytext
    from nbclient import NotebookClient

    nb = jupytext.read(path)
    # The kernel of this interpreter (the project's .venv), whatever kernelspecs are installed.
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors
