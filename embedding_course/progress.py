"""Progress bars that are live where someone watches and one line where nobody does.

In a terminal or a notebook, `bar(...)` is tqdm's bar. While the book is built (`make book` sets
COURSE_PAGE_BUILD=1 for the kernels that execute the pages), redrawing would leave every frame in
the page, a stack of boxes; there the bar draws nothing until it closes and then prints its final
line once, to stdout."""
from __future__ import annotations

import io
import os

from tqdm import tqdm

PAGE_BUILD = "COURSE_PAGE_BUILD"


class FinalLine(tqdm):
    """A tqdm bar that writes nothing while it runs, and its final line when it closes."""

    def __init__(self, *args, **kwargs):
        self._frames = io.StringIO()
        kwargs["file"] = self._frames
        kwargs["mininterval"] = float("inf")   # no redraw while running
        kwargs.setdefault("ascii", False)       # the page shows Unicode blocks, as a notebook does
        super().__init__(*args, **kwargs)

    def close(self):
        if self.disable:
            return
        super().close()
        frames = self._frames.getvalue().replace("\r", "\n").split("\n")
        last = [f for f in frames if f.strip()]
        if last:
            print(last[-1].strip(), flush=True)


def bar(*args, **kwargs) -> tqdm:
    """tqdm(*args, **kwargs); while the book is built, a bar that prints only its final line."""
    if os.environ.get(PAGE_BUILD):
        return FinalLine(*args, **kwargs)
    return tqdm(*args, **kwargs)
