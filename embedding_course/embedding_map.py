"""An interactive 2-D map of word vectors that works offline.

`embedding_map` returns an inline SVG (one dot per word, with the word in its <title>, so hovering
shows it even without JavaScript) and, as its text alternative, the list of its words with their
information. On the course website, `_static/embedding-map.js` (loaded by every page, no CDN) adds
zoom (Ctrl/Cmd + wheel, pinch, the buttons or + / - keys), panning (drag, arrow keys), and a label
that names the word under the pointer or the one chosen with n / p. The map takes keyboard focus.
"""
import hashlib
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
    listed = "".join(f"<li>{escape(w)}: {escape(t)}</li>" for w, t in sorted(zip(words, info)))
    ident = "embedding-map-" + hashlib.sha256(f"{title}|{len(words)}".encode()).hexdigest()[:10]
    hidden = '<span class="embedding-map-sr">{}</span>'
    return HTML(f"""<figure class="embedding-map">
<div class="embedding-map-toolbar">
<button type="button" data-zoom="in" title="zoom in"><span aria-hidden="true">+</span>{hidden.format("Zoom in")}</button><button type="button" data-zoom="out" title="zoom out"><span aria-hidden="true">&#8722;</span>{hidden.format("Zoom out")}</button><button type="button" data-zoom="reset" title="show everything"><span aria-hidden="true">reset</span>{hidden.format("Show the whole map")}</button>
<span class="embedding-map-label" aria-live="polite">Hover over or tap a dot to see its word.</span>
</div>
<svg class="embedding-map-svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" tabindex="0" aria-label="{escape(title, quote=True)}" aria-describedby="{ident}" data-radius="{RADIUS}" data-font-size="{FONT_SIZE}" xmlns="http://www.w3.org/2000/svg">
<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="white" stroke="#ccc"/>
<g class="embedding-map-dots" stroke="white" stroke-width="0.4">{"".join(dots)}</g>
<g class="embedding-map-names" fill="#222" pointer-events="none">{"".join(names)}</g>
</svg>
<figcaption>{escape(caption)} <span class="embedding-map-help">Zoom: Ctrl + wheel, pinch or the buttons; drag to move. Keyboard: Tab to the map, then arrows, + / &#8722;, 0, and n / p for the next or previous word.</span></figcaption>
<details class="embedding-map-words" id="{ident}"><summary>The {len(words)} words of this map, in alphabetical order</summary><ul>{listed}</ul></details>
</figure>""")
