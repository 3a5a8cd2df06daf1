"""The course's vectors as the site's vector explorer reads them (book/explorer.md,
_static/vector-explorer.js, written into the site by book/_ext/vector_explorer.py): the `WORDS`
most frequent words of chapter 5's vectors, unit length, 3 decimals, in word2vec's text format."""
import numpy as np

WORDS = 2000


def explorer_vectors(words, vectors) -> tuple[list[str], np.ndarray]:
    """The words and unit rows the explorer starts with (before the 3-decimal rounding)."""
    rows = np.asarray(vectors[:WORDS], dtype=np.float64)
    return list(words[:WORDS]), rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


def vectors_text(words, vectors) -> str:
    """word2vec's text format: "V d", then a word and its d numbers per line."""
    words, rows = explorer_vectors(words, vectors)
    lines = [f"{len(rows)} {rows.shape[1]}"]
    lines += [word + " " + " ".join(f"{x:.3f}" for x in row) for word, row in zip(words, rows)]
    return "\n".join(lines) + "\n"
