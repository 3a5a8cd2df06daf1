"""Keeps the course website self-contained: nothing on a page refers to a CDN.

- sphinx-thebe (always loaded by Jupyter Book) puts `const THEBE_JS_URL = "https://unpkg.com/..."`
  and its loader on every page, twice, which raises a JavaScript error; thebe is switched off in
  _config.yml (launch_buttons.thebe: false), so its scripts and stylesheet are left out.
- pydata-sphinx-theme logs a console error on a first visit unless a default colour mode is set.

The bibliography page's list of entries loses a list role its entries do not fit (see
citation_list_without_list_role). A hidden code cell's toggle (myst-nb) is a <summary> whose aria-label, "Toggle hidden content",
hides its visible text ("Show code cell source") from screen readers (axe-core:
label-content-name-mismatch): the label is dropped, so the visible text names it.

It also points a chapter's launch buttons (Binder, Colab, JupyterHub) at the chapter's exercise
notebook, exercises/<name>/<name>.ipynb, instead of the page's MyST source: that notebook is what
a learner runs, and Colab cannot open a .md file.
"""
from pathlib import Path


def _is_thebe(asset) -> bool:
    name = getattr(asset, "filename", None) or str(asset)
    body = (getattr(asset, "attributes", None) or {}).get("body", "")
    return "thebe" in (name or "").lower() or "THEBE_JS_URL" in (body or "")


def drop_thebe(app, pagename, templatename, context, doctree):
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def _retarget(button, source: str, target: str):
    if isinstance(button, dict):
        url = button.get("url")
        if isinstance(url, str) and url.startswith("http") and source in url:   # launch links, not downloads
            button["url"] = button["url"].replace(source, target)
            button["tooltip"] = f"{button.get('tooltip', 'Launch')}: the exercise notebook"
        for value in button.values():
            if isinstance(value, list):
                for item in value:
                    _retarget(item, source, target)


def launch_the_exercise(app, pagename, templatename, context, doctree):
    name = Path(pagename).name
    repo = Path(app.srcdir)
    exercise = f"exercises/{name}/{name}.ipynb"
    if pagename.startswith("book/") and (repo / exercise).exists():
        for button in context.get("header_buttons", []):
            _retarget(button, f"{pagename}.md", exercise)


def name_toggles_by_their_text(app, pagename, templatename, context, doctree):
    if "body" in context:
        context["body"] = context["body"].replace('<summary aria-label="Toggle hidden content">', "<summary>")


def citation_list_without_list_role(app, pagename, templatename, context, doctree):
    """The bibliography's entries are <div role="doc-biblioentry"> in a <div role="list">: a list whose
    children are not list items (axe-core: aria-required-children). The container keeps its class
    and loses the role; each entry keeps its own."""
    if "body" in context:
        context["body"] = context["body"].replace('<div role="list" class="citation-list">',
                                                  '<div class="citation-list">')


def default_mode(app, config):
    config.html_context.setdefault("default_mode", "light")   # pydata-sphinx-theme reads it from the context


def setup(app):
    app.connect("config-inited", default_mode)
    app.connect("html-page-context", drop_thebe, priority=900)
    app.connect("html-page-context", launch_the_exercise, priority=900)
    app.connect("html-page-context", name_toggles_by_their_text, priority=900)
    app.connect("html-page-context", citation_list_without_list_role, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
