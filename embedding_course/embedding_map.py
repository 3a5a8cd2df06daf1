"""An interactive 2-D map of word vectors that works offline.

`embedding_map` returns an inline SVG (one dot per word, with the word in its <title>, so hovering
shows it even without JavaScript). On the course website, `_static/embedding-map.js` (loaded by
every page, no CDN) adds zoom (mouse wheel or the + / − buttons), panning by dragging, and a label
that names the word under the pointer.
"""
from html import escape

import numpy as np
from IPython.display import HTML

WIDTH, HEIGHT, MARGIN = 800, 520, 20
RADIUS, FONT_SIZE = 3.5, 11


def _colour(value: float) -> str:
    """Diverging red (−1) – grey (0) – blue (+1), as a hex colour."""
    v = float(np.clip(value, -1, 1))
    grey, red, blue = np.array([0.75, 0.75, 0.75]), np.array([0.84, 0.15, 0.16]), np.array([0.12, 0.47, 0.71])
    rgb = grey + abs(v) * ((blue if v > 0 else red) - grey)
    return "#" + "".join(f"{int(round(255 * c)):02x}" for c in rgb)


def embedding_map(words, xy, values, info, *, labelled=(), title="", caption=""):
    """words: n strings; xy: (n, 2) coordinates; values: n numbers in [−1, 1] for the colour;
    info: n strings shown after the word; labelled: words drawn with their name."""
    xy = np.asarray(xy, dtype=float)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    scale = min((WIDTH - 2 * MARGIN) / (hi[0] - lo[0]), (HEIGHT - 2 * MARGIN) / (hi[1] - lo[1]))
    px = MARGIN + (xy[:, 0] - lo[0]) * scale
    py = HEIGHT - MARGIN - (xy[:, 1] - lo[1]) * scale          # SVG's y axis points down
    dots, names = [], []
    for word, x, y, value, text in zip(words, px, py, values, info):
        w, t = escape(word, quote=True), escape(text, quote=True)
        dots.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{RADIUS}" fill="{_colour(value)}" '
                    f'data-word="{w}" data-info="{t}"><title>{w} ({t})</title></circle>')
        if word in labelled:
            names.append(f'<text x="{x + 5:.1f}" y="{y - 4:.1f}" font-size="{FONT_SIZE}">{w}</text>')
    return HTML(f"""<figure class="embedding-map">
<div class="embedding-map-toolbar">
<button type="button" data-zoom="in" title="zoom in">+</button><button type="button" data-zoom="out" title="zoom out">&#8722;</button><button type="button" data-zoom="reset" title="show everything">reset</button>
<span class="embedding-map-label" aria-live="polite">Hover over a dot to see its word; scroll or use + / &#8722; to zoom, drag to move.</span>
</div>
<svg class="embedding-map-svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-label="{escape(title, quote=True)}" data-radius="{RADIUS}" data-font-size="{FONT_SIZE}" xmlns="http://www.w3.org/2000/svg">
<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="white" stroke="#ccc"/>
<g class="embedding-map-dots" stroke="white" stroke-width="0.4">{"".join(dots)}</g>
<g class="embedding-map-names" fill="#222" pointer-events="none">{"".join(names)}</g>
</svg>
<figcaption>{escape(caption)}</figcaption>
</figure>""")
