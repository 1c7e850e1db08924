"""Checks of the repository itself: every chapter is in the table of contents, notebooks are committed clean,
requirements are pinned, and the layout the course depends on is intact."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
NOTEBOOKS = sorted(p for p in CHAPTERS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def toc_files() -> list[str]:
    """Every `file:` entry (and the root) of _toc.yml, without suffix, relative to the book root."""
    text = (ROOT / "_toc.yml").read_text()
    files = re.findall(r"^\s*-?\s*(?:file|root):\s*(\S+)\s*$", text, flags=re.MULTILINE)
    return [f.removesuffix(".ipynb").removesuffix(".md") for f in files]


def test_there_are_chapters():
    assert len(NOTEBOOKS) >= 1


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_listed_in_toc(notebook):
    entry = notebook.relative_to(ROOT).with_suffix("").as_posix()
    assert entry in toc_files(), f"{entry} is not listed in _toc.yml"


def test_toc_entries_exist():
    for entry in toc_files():
        candidates = [ROOT / f"{entry}{suffix}" for suffix in (".ipynb", ".md")]
        assert any(c.is_file() for c in candidates), f"_toc.yml lists {entry}, which does not exist"


def test_chapter_files_are_numbered():
    for notebook in NOTEBOOKS:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", notebook.name), f"{notebook.name} is not NN_topic.ipynb"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_outputs(notebook):
    nb = json.loads(notebook.read_text())
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        assert cell.get("outputs") == [], f"{notebook.name} cell {index} has outputs committed"
        assert cell.get("execution_count") is None, f"{notebook.name} cell {index} has an execution count"


MAX_CODE_LINE = 88  # _static/course.css sizes code so that this many characters fit the page


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_code_lines_fit_the_page(notebook):
    """No line of a code cell is hidden behind a horizontal scroll bar on the web page."""
    nb = json.loads(notebook.read_text())
    long_lines = [
        f"cell {index} line {number}: {len(line)} characters"
        for index, cell in enumerate(nb["cells"]) if cell["cell_type"] == "code"
        for number, line in enumerate("".join(cell["source"]).splitlines(), start=1)
        if len(line) > MAX_CODE_LINE
    ]
    assert not long_lines, (f"{notebook.name}: code lines over {MAX_CODE_LINE} characters:\n"
                            + "\n".join(long_lines))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_structure(notebook):
    """Each chapter opens with a title and learning objectives and ends with a summary and exercises."""
    nb = json.loads(notebook.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    first = "".join(nb["cells"][0]["source"])
    assert first.startswith("# "), f"{notebook.name} does not open with a '# Title'"
    for heading in ("## Learning objectives", "## Summary", "## Exercises"):
        assert heading in markdown, f"{notebook.name} lacks '{heading}'"
    assert markdown.count("{exercise}") >= 4, f"{notebook.name} has fewer than 4 exercises"
    assert markdown.count("{solution-start}") == markdown.count("{exercise}")
    sources = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert not any(re.search(r"^\s*from \S+ import \*", s, flags=re.MULTILINE) for s in sources), "star import"


def test_requirements_are_pinned():
    lines = [
        line.split("#")[0].strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
    ]
    requirements = [line for line in lines if line]
    assert "-e ./code" in requirements
    for line in requirements:
        if line.startswith("-e"):
            continue
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.]+", line), f"not pinned with ==: {line}"
    assert "torch==2.13.0" in requirements
    book = next(line for line in requirements if line.startswith("jupyter-book=="))
    assert book.split("==")[1].startswith("1."), "the course is built with Jupyter Book 1.x"


def test_code_folder_is_not_a_package():
    """`code` is a standard-library module; our folder must never shadow it."""
    assert not (ROOT / "code" / "__init__.py").exists()
    import code as stdlib_code

    assert hasattr(stdlib_code, "InteractiveConsole"), "the standard library's `code` module is shadowed"


def test_importing_gdlab_has_no_side_effects():
    script = (
        "import matplotlib, numpy as np, torch\n"
        "before = dict(matplotlib.rcParams); state = np.random.get_state()[1].copy(); t = torch.get_rng_state()\n"
        "import gdlab, gdlab.calculus\n"
        "import importlib, pkgutil\n"
        "for m in pkgutil.iter_modules(gdlab.__path__): importlib.import_module('gdlab.' + m.name)\n"
        "assert dict(matplotlib.rcParams) == before, 'rcParams changed on import'\n"
        "assert (np.random.get_state()[1] == state).all(), 'numpy global RNG touched on import'\n"
        "assert torch.equal(torch.get_rng_state(), t), 'torch RNG touched on import'\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT / "tests")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "", f"importing gdlab printed: {result.stdout!r}"


def test_every_gdlab_public_function_has_a_full_docstring():
    import importlib
    import inspect
    import pkgutil

    import gdlab

    missing = []
    for info in pkgutil.iter_modules(gdlab.__path__):
        if info.name.startswith("_"):
            continue  # private helpers, not part of the documented API
        module = importlib.import_module(f"gdlab.{info.name}")
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            doc = inspect.getdoc(obj) or ""
            # Exceptions and state records (NamedTuples) need a docstring, not an example and a reference.
            if inspect.isclass(obj) and issubclass(obj, (BaseException, tuple)):
                if not doc:
                    missing.append(f"{module.__name__}.{name}: no docstring")
                continue
            for section in ("Examples", "References"):
                if section not in doc:
                    missing.append(f"{module.__name__}.{name}: no {section} section")
    assert not missing, "\n".join(missing)


def test_bibliography_entries_are_complete():
    """Every entry has authors, a title, a year and a venue; recent papers carry a DOI, an arXiv id or a URL."""
    from pybtex.database import parse_file

    bibliography = parse_file(ROOT / "references.bib")
    venue_fields = ("journal", "booktitle", "publisher", "school", "institution", "howpublished", "note")
    problems = []
    for key, entry in bibliography.entries.items():
        if not entry.persons.get("author") and not entry.persons.get("editor"):
            problems.append(f"{key}: no author")
        for field in ("title", "year"):
            if field not in entry.fields:
                problems.append(f"{key}: no {field}")
        if not any(f in entry.fields for f in venue_fields) and "eprint" not in entry.fields:
            problems.append(f"{key}: no venue")
        # Papers from 1990 on have a DOI, an arXiv id or a stable URL; older ones (e.g. Nesterov 1983) may have none.
        recent = int(entry.fields.get("year", "0")[:4]) >= 1990
        if entry.type in ("article", "inproceedings") and recent and not any(
            f in entry.fields for f in ("doi", "eprint", "url")
        ):
            problems.append(f"{key}: a paper without DOI, arXiv id or URL")
    assert not problems, "\n".join(problems)


def test_bibliography_covers_the_syllabus():
    """The works the syllabus lists (by first author and year) are all in references.bib."""
    from pybtex.database import parse_file

    bibliography = parse_file(ROOT / "references.bib")
    present = {
        (entry.persons["author"][0].last_names[-1].lower(), entry.fields["year"])
        for entry in bibliography.entries.values()
        if entry.persons.get("author")
    }
    syllabus = [
        ("robbins", "1951"), ("qian", "1999"), ("nesterov", "1983"), ("sutskever", "2013"), ("duchi", "2011"),
        ("zeiler", "2012"), ("tieleman", "2012"), ("kingma", "2015"), ("dozat", "2016"), ("loshchilov", "2019"),
        ("reddi", "2018"), ("dauphin", "2014"), ("niu", "2011"), ("dean", "2012"), ("mcmahan", "2014"),
        ("zhang", "2015"), ("abadi", "2015"), ("bengio", "2009"), ("zaremba", "2014"), ("ioffe", "2015"),
        ("neelakantan", "2015"), ("lecun", "1998"), ("darken", "1992"), ("srivastava", "2014"), ("wan", "2013"),
        ("zeiler", "2013"), ("rumelhart", "1986"), ("ruder", "2016"), ("murugan", "2017"), ("goodfellow", "2016"),
    ]
    missing = [f"{name} {year}" for name, year in syllabus if (name, year) not in present]
    assert not missing, f"syllabus references missing from references.bib: {missing}"
