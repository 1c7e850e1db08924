"""Execution time of every chapter notebook in a fresh kernel, slowest first (`make timings`).

`python tests/timings.py "03_*.ipynb"` times only the notebooks matching the pattern.

A benchmark, not a test: the budget is 20 s per notebook on a 2-core CPU, unless the notebook's metadata sets its
own (`"course": {"time_budget_seconds": 30}`, for a page whose issue allows more); notebooks over their budget are
flagged and the script exits with status 1 so that the number cannot be missed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BUDGET_SECONDS = 20.0


def budget(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    return float(notebook.metadata.get("course", {}).get("time_budget_seconds", BUDGET_SECONDS))


def execute(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main() -> int:
    pattern = sys.argv[1] if len(sys.argv) > 1 else "*.ipynb"
    notebooks = sorted(p for p in (ROOT / "chapters").rglob(pattern) if ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        print(f"no notebook under chapters/ matches {pattern!r}")
        return 1
    timings = [(execute(path), path.relative_to(ROOT).as_posix(), budget(path)) for path in notebooks]
    width = max(len(name) for _, name, _ in timings)
    for seconds, name, limit in sorted(timings, reverse=True):
        flag = f"  OVER BUDGET ({limit:.0f} s)" if seconds > limit else ""
        print(f"{name:<{width}}  {seconds:6.1f} s{flag}")
    print(f"{'total':<{width}}  {sum(s for s, _, _ in timings):6.1f} s  ({len(timings)} notebooks, "
          f"budget {BUDGET_SECONDS:.0f} s each unless a notebook sets its own)")
    return 1 if any(s > limit for s, _, limit in timings) else 0


if __name__ == "__main__":
    sys.exit(main())
