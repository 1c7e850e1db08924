"""Page budgets of the reader-first style (README, "Writing a chapter"), measured as
`../shared/tools/page_budget.py` measures them.

Main path = markdown outside exercise solutions and folded blocks ({dropdown}, {toggle},
`:class: dropdown`), math and roles stripped; visible code = non-blank lines of code cells
outside solutions without a hide-input / hide-cell / remove-input / remove-cell tag.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "chapters").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)

MAX_WORDS, MAX_CODE_LINES, MAX_ASSERTS, MIN_FIGURES, MIN_EXERCISES = 4000, 500, 30, 3, 4
HIDDEN = {"hide-input", "hide-cell", "remove-input", "remove-cell"}
FENCE = re.compile(r"^(`{3,}|:{3,})\s*\{([\w-]+)\}")


def main_path_words(markdown: str) -> int:
    kept, stack = [], []                      # stack of (fence, folded?)
    for line in markdown.splitlines():
        m = FENCE.match(line.strip())
        if m:
            stack.append((m.group(1), m.group(2) in ("dropdown", "toggle", "solution")))
            continue
        if stack and line.strip() == stack[-1][0]:
            stack.pop()
            continue
        if stack and line.strip().startswith(":class:") and "dropdown" in line:
            stack[-1] = (stack[-1][0], True)
            continue
        if not any(folded for _, folded in stack):
            kept.append(line)
    text = "\n".join(kept)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$\n]+\$", " ", text)
    text = re.sub(r"\{[a-z:]+\}`[^`]*`", " ", text)
    return len(re.findall(r"[A-Za-z][A-Za-z'’-]*", text))


def measure(path: Path) -> dict:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    m = dict(words=0, code=0, asserts=0, figures=0, exercises=0, starters=0)
    in_solution = pending = starter_seen = False
    for cell in cells:
        source = "".join(cell.get("source", ""))
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell["cell_type"] == "markdown":
            if "{exercise}" in source or "{exercise-start}" in source:
                m["exercises"] += 1
                pending, starter_seen = True, False
            if "{solution-start}" in source:
                m["starters"] += pending and starter_seen
                pending, in_solution = False, True
                continue
            if "{solution-end}" in source:
                in_solution = False
                continue
            if not in_solution:
                m["words"] += main_path_words(source)
        elif cell["cell_type"] == "code":
            if pending and not in_solution:
                starter_seen = True
            if in_solution:
                continue
            if "mystnb" in cell.get("metadata", {}) or re.search(r"plt\.show\(\)|plots\.(?!style)\w+\(", source):
                m["figures"] += 1
            if not tags & HIDDEN:
                lines = [line for line in source.splitlines() if line.strip()]
                m["code"] += len(lines)
                m["asserts"] += sum(1 for line in lines
                                    if re.match(r"\s*assert\b", line) or "testing.assert" in line)
    return m


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_page_is_within_the_budgets(notebook):
    m = measure(notebook)
    over = [f"{m['words']} main-path words > {MAX_WORDS}"] * (m["words"] > MAX_WORDS)
    over += [f"{m['code']} visible code lines > {MAX_CODE_LINES}"] * (m["code"] > MAX_CODE_LINES)
    over += [f"{m['asserts']} visible assert lines > {MAX_ASSERTS}"] * (m["asserts"] > MAX_ASSERTS)
    over += [f"{m['figures']} figures < {MIN_FIGURES}"] * (m["figures"] < MIN_FIGURES)
    over += [f"{m['exercises']} exercises < {MIN_EXERCISES}"] * (m["exercises"] < MIN_EXERCISES)
    over += [f"only {m['starters']} of {m['exercises']} exercises have a starter cell"] * (
        m["starters"] < m["exercises"])
    assert not over, f"{notebook.name}: " + "; ".join(over)


def _exercise_cells(path: Path):
    """(starter cells, solution code cells) of every exercise of a notebook."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    starters, solutions, state = [], [], None
    for cell in cells:
        source = "".join(cell.get("source", ""))
        if cell["cell_type"] == "markdown":
            if "{exercise}" in source or "{exercise-start}" in source:
                state = "starter"
            elif "{solution-start}" in source:
                state = "solution"
            elif "{solution-end}" in source:
                state = None
        elif state == "starter":
            starters.append(cell)
        elif state == "solution":
            solutions.append(cell)
    return starters, solutions


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_starters_raise_and_solutions_open_collapsed(notebook):
    starters, solutions = _exercise_cells(notebook)
    for cell in starters:
        source = "".join(cell["source"])
        if "..." in source:
            assert "raises-exception" in cell["metadata"].get("tags", []), (
                f"{notebook.name}: a starter cell with `...` lacks the raises-exception tag:\n{source[:200]}")
    for cell in solutions:
        assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True, (
            f"{notebook.name}: a solution cell does not open collapsed in Jupyter "
            f"(metadata.jupyter.source_hidden):\n{''.join(cell['source'])[:200]}")


def test_the_measure_counts_what_it_should():
    markdown = "One two three.\n```{dropdown} Going further\nfour five six\n```\n$x + y$ seven"
    assert main_path_words(markdown) == 4   # "One two three" + "seven"; folded block and math left out
