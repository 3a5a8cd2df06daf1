"""The course's library, shared by the chapters, the hidden suites and the benchmarks:

- `embedding_course.coursedata`    the data sets (fetched once, checked against recorded SHA-256s);
                                   `python -m embedding_course.coursedata fetch` is what `make data` runs;
- `embedding_course.word2vec`      chapter 5's skip-gram trainer, its benchmarks and cached vectors;
- `embedding_course.embedding_map` the interactive 2-D map of word vectors (chapter 4);
- `embedding_course.transfer`      chapter 6's transfer experiment (benchmarks/transfer_curves.py runs it).

Installed by `make` (`pip install -e .`); import the modules themselves, e.g.
`from embedding_course import coursedata`.
"""
