"""On-demand measurements whose JSON results the book shows (not part of `make test`).

Run one from the repository's root with the project installed (`make`), e.g.
`.venv/bin/python benchmarks/worker_startup.py` or `.venv/bin/python -m benchmarks.worker_startup`;
each writes `<name>.json` beside its script:

- grading_throughput.py  our sandboxed grader against nbgrader's autograde (the grading page);
- worker_startup.py      a submission's start in the warm sandbox and in a fresh one (the grading page);
- word2vec_vs_gensim.py  chapter 5's trainer against gensim (chapter 5);
- transfer_curves.py     chapter 6's transfer experiment, the whole grid (chapter 6).
"""
