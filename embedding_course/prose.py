"""Numbers in a page's prose come from the code that computes them.

`glue(name, value)` hands a value computed in a chapter's cell to the page's text, where
{glue:text}`name:format` shows it (myst-nb). Run outside the book (a notebook downloaded or
opened in Colab, without myst-nb), it does nothing but return the value."""


def glue(name: str, value):
    if hasattr(value, "item"):   # a numpy scalar: its repr (np.float64(...)) is not a plain number
        value = value.item()
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        return value
    myst_glue(name, value, display=False)
    return value
