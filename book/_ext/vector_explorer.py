"""Writes the course's word vectors for the site's vector explorer (book/explorer.md,
_static/vector-explorer.js): `_static/course-vectors.js`, `embedding_course.explorer.vectors_text`
(the most frequent words of chapter 5's vectors, in word2vec's text format) inside a script.

A script, not a data file that the page would fetch: a page opened from the disk (file://) may not
fetch files, but it may load scripts. Generated when the site is built, from the cached vectors
(`word2vec.course_vectors`, trained by chapter 5 if missing), never committed.
"""
import json
from pathlib import Path


def write_course_vectors(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from embedding_course import explorer, word2vec
    words, vectors = word2vec.course_vectors()
    payload = {"name": f"the course's word2vec vectors (chapter 5, the {explorer.WORDS:,} most frequent words)",
               "text": explorer.vectors_text(words, vectors)}
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "course-vectors.js").write_text(f"window.COURSE_VECTORS = {json.dumps(payload)};\n")


def setup(app):
    app.connect("build-finished", write_course_vectors)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
