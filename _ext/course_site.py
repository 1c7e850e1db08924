"""Local Sphinx extension of the course site.

It does three small jobs that keep the built site offline and its browser console clean:

1. **MathJax from the site, not a CDN.** MathJax 3.2.2 comes from the PyPI package
   ``django-static-mathjax`` (installed by ``requirements.txt``). After the HTML build, the subset
   MathJax needs to typeset TeX (the combined ``tex-mml-chtml.js`` plus the components it loads on
   demand: TeX extensions, CHTML fonts, the menu and accessibility modules) is copied to
   ``<outdir>/_mathjax/`` and ``mathjax_path`` points there. It is deliberately *not* put under
   ``_static``: Jupyter Book adds every ``.js`` file found there as a script tag to every page.
2. **No duplicate scripts.** Sphinx 7.4 lists some body scripts twice (sphinx-thebe's
   ``const THEBE_JS_URL`` then throws "already been declared"); duplicates are dropped per page.
3. **A valid default colour mode** for pydata-sphinx-theme (set in ``_config.yml`` through
   ``html_context``), so the theme does not log "Got invalid theme mode" on a first visit.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

MATHJAX_DIR = "_mathjax"
# The components tex-mml-chtml.js loads at run time; everything else in the package is unused.
MATHJAX_PARTS = (
    "tex-mml-chtml.js",
    "input/tex/extensions",
    "output/chtml/fonts/woff-v2",
    "ui",
    "a11y",
)


def mathjax_source() -> Path:
    """Folder of the MathJax 3 ES5 build shipped by django-static-mathjax."""
    root = Path(str(resources.files("mathjax"))) / "static" / "mathjax" / "es5"
    if not (root / "tex-mml-chtml.js").is_file():
        raise FileNotFoundError(
            f"MathJax not found at {root}; install the requirements (pip install -r requirements.txt)"
        )
    return root


def copy_mathjax(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.outdir) / MATHJAX_DIR
    for part in MATHJAX_PARTS:
        src = source / part
        if not src.exists():
            continue
        dst = target / part
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)


def drop_duplicate_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen = set()
    unique = []
    for script in scripts:
        # The two copies differ in filename (None vs "") and maybe priority: compare what the tag will contain.
        key = (getattr(script, "filename", script) or None, tuple(sorted(getattr(script, "attributes", {}).items())))
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    context["script_files"] = unique


def use_local_mathjax(app, config) -> None:
    # Relative paths in mathjax_path are taken relative to _static/ by Sphinx.
    config.mathjax_path = f"../{MATHJAX_DIR}/tex-mml-chtml.js"


def setup(app):
    mathjax_source()  # fail early, with a clear message, if MathJax is missing
    app.connect("config-inited", use_local_mathjax)
    app.connect("html-page-context", drop_duplicate_scripts)
    app.connect("build-finished", copy_mathjax)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
