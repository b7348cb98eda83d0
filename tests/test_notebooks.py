"""Every notebook in notebooks/ runs top to bottom with a real Jupyter kernel."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no jupytext percent scripts"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_a_percent_script_without_outputs(path):
    import jupytext

    nb = jupytext.read(path)  # format detected from the file, as JupyterLab does
    assert nb.metadata["jupytext"]["text_representation"]["format_name"] == "percent"
    assert nb.metadata["kernelspec"]["name"] == "bruggen"
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


@pytest.mark.slow
def test_jupyterlab_opens_the_percent_scripts_as_notebooks(tmp_path):
    """A real JupyterLab server (with jupytext's contents manager) serves each script as a notebook."""
    import json
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = "bruggen-test"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={ROOT / 'notebooks'}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path)},
    )

    def get(url: str) -> dict:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}{url}?type=notebook&token={token}", timeout=10
        ) as r:
            return json.load(r)

    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                get("/api/status")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("JupyterLab did not start")
                time.sleep(0.5)
        # the project's kernel (installed by `make install`) is what the notebooks ask for
        assert "bruggen" in get("/api/kernelspecs")["kernelspecs"]
        for path in NOTEBOOKS:
            model = get(f"/api/contents/{path.name}")
            assert model["type"] == "notebook"
            nb = model["content"]
            assert nb["metadata"]["jupytext"]["text_representation"]["format_name"] == "percent"
            assert nb["metadata"]["kernelspec"]["name"] == "bruggen"
            assert any(c["cell_type"] == "code" for c in nb["cells"])
    finally:
        server.terminate()
        server.wait(timeout=30)
