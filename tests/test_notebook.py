"""notebooks/conflict_analysis.ipynb runs top to bottom with today's code, draws its figures
and raises no errors; the committed copy carries its outputs.

The kernel is this interpreter (``sys.executable -m ipykernel_launcher``), declared in a
kernelspec written to a temporary folder and handed to nbclient through its own
KernelSpecManager: no ``jupyter kernelspec install``, no dependence on whatever "python3"
kernel a user or CI machine may have registered elsewhere.

To refresh the committed outputs after changing the notebook or the code::

    .venv/bin/python tests/test_notebook.py --write
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

# the test extra installs these (requirements.lock): a missing one is an error, not a skip
import ipykernel  # noqa: F401 - the kernel the notebook runs in
import nbclient
import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "conflict_analysis.ipynb"
KERNEL_NAME = "conflict-kg-python"
MIN_FIGURES = 3


def execute(notebook, workdir: Path, timeout: int = 600):
    """Run ``notebook`` (a nbformat node, changed in place) in a kernel of this interpreter."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    spec_dir = workdir / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "conflict-kg (this interpreter)",
        "language": "python",
        "env": {"MPLBACKEND": "module://matplotlib_inline.backend_inline", "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
    }), encoding="utf-8")
    specs = KernelSpecManager(kernel_dirs=[str(spec_dir.parent)], ensure_native_kernel=False)
    manager = KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)
    client = nbclient.NotebookClient(
        notebook, km=manager, kernel_name=KERNEL_NAME, timeout=timeout, allow_errors=False,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    return notebook


def _outputs(notebook):
    for cell in notebook.cells:
        if cell.cell_type == "code":
            yield from ((cell, output) for output in cell.get("outputs", []))


def check(notebook) -> None:
    """No error, no stderr noise, every code cell run, the figures drawn."""
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    assert code_cells and all(c.get("execution_count") for c in code_cells), "every code cell ran"
    errors = [o for _, o in _outputs(notebook) if o.output_type == "error"]
    assert not errors, [f"{e.ename}: {e.evalue}" for e in errors]
    stderr = [o.text for _, o in _outputs(notebook) if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, stderr
    images = [o for _, o in _outputs(notebook) if "image/png" in o.get("data", {})]
    assert len(images) >= MIN_FIGURES, f"expected {MIN_FIGURES} figures, got {len(images)}"
    tables = [o for _, o in _outputs(notebook) if "text/html" in o.get("data", {})]
    assert len(tables) >= 5, "DataFrames displayed"


def test_notebook_runs_top_to_bottom(tmp_path, monkeypatch):
    monkeypatch.delenv("KG_STORE", raising=False)  # build data/ afresh, as a new user would
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    executed = execute(copy.deepcopy(notebook), tmp_path)
    check(executed)
    text = "\n".join(o.get("text", "") for _, o in _outputs(executed) if o.output_type == "stream")
    assert "built data/:" in text and " 0 failed" in text
    assert [c.source for c in executed.cells] == [c.source for c in notebook.cells]


def test_committed_notebook_carries_its_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    check(notebook)
    counts = [c.execution_count for c in notebook.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), "run once, in order, top to bottom"


if __name__ == "__main__":  # pragma: no cover - maintenance: refresh the committed outputs
    import tempfile

    if "--write" not in sys.argv:
        sys.exit("usage: python tests/test_notebook.py --write")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        execute(nb, Path(tmp))
    check(nb)
    nbformat.write(nb, NOTEBOOK)
    print(f"wrote {NOTEBOOK.relative_to(ROOT)} with its outputs")
