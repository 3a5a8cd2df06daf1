"""Numbers in a page's prose come from the code that computes them.

`glue(name, value)` hands a value computed in a chapter's cell to the page's text, where
{glue:text}`name:format` shows it (myst-nb). Run outside the book (a notebook downloaded or
opened in Colab, without myst-nb), it does nothing. It returns nothing, so that a glue on a
cell's last line adds no output."""


def glue(name: str, value):
    if hasattr(value, "item"):   # a numpy scalar: its repr (np.float64(...)) is not a plain number
        value = value.item()
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        return
    myst_glue(name, value, display=False)
