"""Hidden tests for exercise 01-one-hot-encoding.

Expected values come from the small reference implementations below. Failure
messages name the case that failed, never the expected values.
"""
import re
from collections import Counter

import numpy as np

from autograder.harness import (Choice, Number, question_tests, named, Mismatch, check_array, check_equal,
                                check_tensor, check_unchanged, describe, expect_error, points, tensor)

# ---------------------------------------------------------------- helpers


def tokenize(text):
    return re.findall(r"[a-z0-9']+", text.lower())


def ref_vocab(texts, max_size=None):
    counts = Counter(word for text in texts for word in tokenize(text))
    vocab = {"<pad>": 0}
    for word, _ in counts.most_common(max_size):
        vocab[word] = len(vocab)
    vocab["<unk>"] = len(vocab)
    return vocab


def ref_sequences(texts, vocab):
    return [[vocab.get(w, vocab["<unk>"]) for w in tokenize(t)] for t in texts]


def ref_pad(sequences, maxlen, padding="pre", truncating="pre", value=0):
    out = np.full((len(sequences), maxlen), value, dtype=np.int64)
    for i, seq in enumerate(sequences):
        kept = seq[max(len(seq) - maxlen, 0):] if truncating == "pre" else seq[:maxlen]
        if padding == "pre":
            out[i, maxlen - len(kept):] = kept
        else:
            out[i, :len(kept)] = kept
    return out


def ref_one_hot(x, v):
    return np.eye(v, dtype=np.float32)[x]


WORDS = ("the a movie film was great good bad terrible plot acting and music ending scene it's "
         "not too long fun i liked story").split()


def random_texts(rng, n=20):
    """Texts over a small vocabulary with Zipf-like word frequencies (so some
    counts differ and some tie), with random capitals and punctuation."""
    p = 1.0 / np.arange(1, len(WORDS) + 1)
    p /= p.sum()
    texts = []
    for _ in range(n):
        words = [WORDS[i] for i in rng.choice(len(WORDS), size=int(rng.integers(0, 12)), p=p)]
        words = [w.upper() if rng.random() < 0.1 else w.capitalize() if rng.random() < 0.1 else w for w in words]
        seps = rng.choice([" ", " ", " ", ", ", ". ", "! ", " -- "], size=len(words))
        texts.append("".join(w + s for w, s in zip(words, seps)).strip())
    return texts


def random_sequences(rng, n, max_len):
    return [rng.integers(1, 50, size=int(rng.integers(0, max_len + 1))).tolist() for _ in range(n)]


def random_indices(rng, shape, v, dtype=np.int64):
    """Random indices in 0..v-1; index 0, the largest index and a repeat occur when there is room."""
    x = rng.integers(0, v, size=shape).astype(dtype)
    if x.size >= 3:
        flat = x.reshape(-1)
        flat[0], flat[1], flat[-1] = 0, v - 1, v - 1
    return x


# ---------------------------------------------------------------- build_vocab


@points(1, task="build_vocab")
def test_build_vocab_example(student):
    """build_vocab: the example "This is a text" """
    case = 'build_vocab(["This is a text"])'
    got = named(case, student.call, "build_vocab", ["This is a text"])
    check_equal(got, {"<pad>": 0, "this": 1, "is": 2, "a": 3, "text": 4, "<unk>": 5}, case)


@points(1, task="build_vocab")
def test_build_vocab_special_entries(student, rng):
    """build_vocab: "<pad>" is 0, "<unk>" is the last index, indices 0..len-1 without gaps"""
    case = "build_vocab on a random corpus of 20 texts"
    texts = random_texts(rng)
    got = named(case, student.call, "build_vocab", texts)
    if not isinstance(got, dict):
        raise Mismatch(f"{case}: the result should be a dict, got {describe(got)}")
    values = [v.item() if isinstance(v, np.integer) else v for v in got.values()]
    if not all(type(v) is int for v in values):
        raise Mismatch(f"{case}: every index should be an int")
    if got.get("<pad>") != 0:
        raise Mismatch(f'{case}: "<pad>" should map to 0')
    if "<unk>" not in got:
        raise Mismatch(f'{case}: "<unk>" is missing from the vocabulary')
    if sorted(values) != list(range(len(got))):
        raise Mismatch(f"{case}: the indices should be 0, 1, ..., len(vocab) - 1, each used once")
    words = {w for text in texts for w in tokenize(text)}
    if set(got) - {"<pad>", "<unk>"} != words:
        raise Mismatch(f"{case}: the keys besides \"<pad>\" and \"<unk>\" should be exactly the corpus's words")
    if got["<unk>"] != len(got) - 1:
        raise Mismatch(f'{case}: "<unk>" should have the last index, len(vocab) - 1')


@points(1, task="build_vocab")
def test_build_vocab_frequency_order(student, rng):
    """build_vocab: words are numbered by decreasing frequency (random corpora)"""
    for trial in range(3):
        texts = random_texts(rng, n=int(rng.integers(5, 30)))
        case = f"random corpus {trial + 1} of {len(texts)} texts"
        check_equal(named(case, student.call, "build_vocab", texts), ref_vocab(texts), case)


@points(1, task="build_vocab")
def test_build_vocab_ties(student):
    """build_vocab: equal counts keep the order of first appearance, across texts (not alphabetical)"""
    for case, texts in [("three texts with tied counts", ["zebra yak the", "apple the mango yak", "kiwi zebra banana"]),
                        ("five one-word texts, all counts equal", ["one", "two", "three", "four", "five"])]:
        check_equal(named(case, student.call, "build_vocab", texts), ref_vocab(texts), case)


@points(1, task="build_vocab")
def test_build_vocab_tokenize(student):
    """build_vocab: case and punctuation are handled by tokenize ("Hello," and "hello" are one word)"""
    texts = ["Hello, WORLD! It's a world...", "hello?? HELLO: it's (a) test-case; 42 times", "--- !!! ..."]
    case = "texts with capitals and punctuation"
    check_equal(named(case, student.call, "build_vocab", texts), ref_vocab(texts), case)


@points(1, task="build_vocab")
def test_build_vocab_max_size(student, rng):
    """build_vocab: max_size keeps the most frequent words (cut inside a tie, larger than n, 0)"""
    texts = ["a a a b b c d d e", "f c g"]   # counts 3, 2, 2, 2, 1, 1, 1: max_size=3 cuts inside the tie
    for k in (1, 3, 4, 7, 100, 0):
        case = f"max_size={k}"
        check_equal(named(case, student.call, "build_vocab", texts, max_size=k), ref_vocab(texts, k), case)
    texts = random_texts(rng)
    case = "max_size=5 on a random corpus"
    check_equal(named(case, student.call, "build_vocab", texts, max_size=5), ref_vocab(texts, 5), case)


@points(1, task="build_vocab")
def test_build_vocab_empty(student):
    """build_vocab: no texts, or texts without words, give {"<pad>": 0, "<unk>": 1}"""
    for case, texts in [("build_vocab([])", []), ('build_vocab(["", "?!  ..."])', ["", "?!  ..."])]:
        check_equal(named(case, student.call, "build_vocab", texts), {"<pad>": 0, "<unk>": 1}, case)
    # Those two answers are what ignoring the texts gives: the point needs words beside empty texts too.
    texts = ["", "b a b", "?!", "c"]
    case = 'build_vocab(["", "b a b", "?!", "c"])'
    check_equal(named(case, student.call, "build_vocab", texts), ref_vocab(texts), case)


# ---------------------------------------------------------------- texts_to_sequences


@points(1, task="texts_to_sequences")
def test_texts_to_sequences_unknown(student, rng):
    """texts_to_sequences: known words get their index, unknown words vocab["<unk>"]"""
    vocab = ref_vocab(["the movie was great", "the plot was bad"])
    texts = ["The movie was bad", "the popcorn was great and cheap", "zzz"]
    case = "texts with known and unknown words"
    check_equal(named(case, student.call, "texts_to_sequences", texts, vocab), ref_sequences(texts, vocab), case)
    vocab = ref_vocab(random_texts(rng), max_size=6)
    texts = random_texts(rng, n=8)
    case = "random texts, a vocabulary of the 6 most frequent words"
    check_equal(named(case, student.call, "texts_to_sequences", texts, vocab), ref_sequences(texts, vocab), case)


@points(1, task="texts_to_sequences")
def test_texts_to_sequences_unk_lookup(student):
    """texts_to_sequences: the unknown index is looked up in vocab, wherever "<unk>" is"""
    vocab = {"<pad>": 0, "<unk>": 1, "good": 2, "film": 3}
    texts = ["A good film", "good good popcorn"]
    case = 'a vocabulary with "<unk>" at index 1'
    check_equal(named(case, student.call, "texts_to_sequences", texts, vocab), ref_sequences(texts, vocab), case)


@points(1, task="texts_to_sequences")
def test_texts_to_sequences_edge_cases(student):
    """texts_to_sequences: punctuation and case, empty texts, no texts"""
    vocab = ref_vocab(["hello world it's me"])
    texts = ["HELLO, world!!", "", "It's... me? Hello", "!!!"]
    case = "texts with capitals, punctuation and empty texts"
    check_equal(named(case, student.call, "texts_to_sequences", texts, vocab), ref_sequences(texts, vocab), case)
    case = "texts_to_sequences([], vocab)"
    check_equal(named(case, student.call, "texts_to_sequences", [], vocab), [], case)


# ---------------------------------------------------------------- pad_sequences


def check_pad(student, case, sequences, maxlen, **modes):
    got = named(case, student.call, "pad_sequences", sequences, maxlen, **modes)
    check_array(got, ref_pad(sequences, maxlen, **modes), case, exact=True, dtype="int64")


@points(1, task="pad_sequences")
def test_pad_sequences_example(student):
    """pad_sequences: the example [[1, 2, 3, 4]], maxlen=6 gives int64 [[0 0 1 2 3 4]]"""
    check_pad(student, "pad_sequences([[1, 2, 3, 4]], 6)", [[1, 2, 3, 4]], 6)


@points(1, task="pad_sequences")
def test_pad_sequences_pre_padding(student, rng):
    """pad_sequences: 'pre' padding (the default) on ragged batches, empty and full-length sequences, int64 ids"""
    check_pad(student, "4 sequences of lengths 1, 0, 6, 3; maxlen=6", [[5], [], [1, 2, 3, 4, 5, 6], [7, 8, 9]], 6)
    # Ids that int32 cannot hold: an int32 result fails here whatever dtype it is sent as.
    check_pad(student, "ids beyond the int32 range (2**31, 2**40)", [[2**31, 7], [2**40, 1, 2**31 + 5]], 4)
    check_pad(student, "30 random sequences, maxlen=10", random_sequences(rng, 30, 9), 10)
    check_pad(student, "one sequence of exactly maxlen", [[3, 1]], 2)


@points(1, task="pad_sequences")
def test_pad_sequences_post_padding(student):
    """pad_sequences: padding='post' fills at the end, with `value` when given"""
    seqs = [[5], [], [1, 2, 3, 4, 5, 6], [7, 8, 9]]
    check_pad(student, "padding='post', maxlen=6", seqs, 6, padding="post")
    check_pad(student, "padding='post', value=-1", seqs, 7, padding="post", value=-1)
    check_pad(student, "padding='pre', value=9", seqs, 8, value=9)
    check_pad(student, "padding='post', value=-2**33 (beyond int32)", seqs, 7, padding="post", value=-2**33)
    # The result is int64 whatever type the padding value has (np.full would take its dtype).
    check_pad(student, "value=np.int32(-1)", seqs, 5, value=np.int32(-1))


@points(1, task="pad_sequences")
def test_pad_sequences_pre_truncating(student, rng):
    """pad_sequences: 'pre' truncating (the default) keeps the last maxlen tokens"""
    check_pad(student, "sequences longer than maxlen=4", [[1, 2, 3, 4, 5, 6, 7, 8], [9, 10], [11, 12, 13, 14]], 4)
    check_pad(student, "30 random sequences, maxlen=12", random_sequences(rng, 30, 24), 12)
    check_pad(student, "maxlen=1", [[4, 5, 6]], 1)


@points(1, task="pad_sequences")
def test_pad_sequences_post_truncating(student):
    """pad_sequences: truncating='post' keeps the first maxlen tokens, with either padding"""
    seqs = [[1, 2, 3, 4, 5, 6, 7, 8], [9, 10], [11, 12, 13, 14]]
    for padding in ("pre", "post"):
        check_pad(student, f"padding='{padding}', truncating='post', maxlen=4", seqs, 4,
                  padding=padding, truncating="post")
    check_pad(student, "padding='post', truncating='pre', maxlen=3", seqs, 3, padding="post", truncating="pre")


@points(1, task="pad_sequences")
def test_pad_sequences_empty_batch(student):
    """pad_sequences: an empty list of sequences gives shape (0, maxlen); empty sequences beside others"""
    check_pad(student, "pad_sequences([], 5)", [], 5)
    check_pad(student, "pad_sequences([[]], 3)", [[]], 3)
    # Those two answers are what all-zero code gives: the point needs real sequences right too.
    check_pad(student, "pad_sequences([[], [4, 5], []], 3)", [[], [4, 5], []], 3)


@points(1, task="pad_sequences")
def test_pad_sequences_bad_mode(student):
    """pad_sequences: an unknown padding or truncating mode raises ValueError"""
    # Raising is easy; the point needs the valid modes, given explicitly, to work too.
    check_pad(student, "padding='post', truncating='post' given explicitly", [[1, 2, 3, 4, 5], [6]], 3,
              padding="post", truncating="post")
    expect_error(lambda: student.call("pad_sequences", [[1, 2]], 4, padding="middle"),
                 "padding='middle'", "ValueError")
    expect_error(lambda: student.call("pad_sequences", [[1, 2, 3, 4, 5]], 3, truncating="end"),
                 "truncating='end'", "ValueError")
    expect_error(lambda: student.call("pad_sequences", [[1, 2]], 4, padding="PRE"),
                 "padding='PRE' (modes are lowercase)", "ValueError")


# ---------------------------------------------------------------- one_hot (numpy)


def check_one_hot(student, case, x, v):
    # The dtype of a numpy result is that of the values that crossed. A float64 result that a
    # patched worker converts on the way out cannot be told apart (0 and 1 fit any float dtype).
    check_array(named(case, student.call, "one_hot", x, v), ref_one_hot(x, v), case, exact=True, dtype="float32")


@points(1, task="one_hot")
def test_one_hot_example(student):
    """one_hot: a small example is float32 with a single 1 per row"""
    check_one_hot(student, "one_hot(np.array([2, 0, 1]), 3)", np.array([2, 0, 1]), 3)


@points(1, task="one_hot")
def test_one_hot_shapes(student, rng):
    """one_hot: 1-D, 2-D and 3-D index arrays and a batch of one give indices.shape + (V,)"""
    for shape, v in [((7,), 5), ((4, 6), 11), ((2, 3, 4), 6), ((1,), 3), ((1, 1), 4), ((1, 9), 9)]:
        check_one_hot(student, f"indices of shape {shape}, num_classes={v}", random_indices(rng, shape, v), v)


@points(1, task="one_hot")
def test_one_hot_empty(student):
    """one_hot: an empty batch gives an empty float32 result of the right shape"""
    for shape in [(0,), (3, 0), (0, 4)]:
        check_one_hot(student, f"empty indices of shape {shape}", np.zeros(shape, dtype=np.int64), 5)
    # An empty result is easy to get right by accident: the point needs a non-empty batch right too.
    check_one_hot(student, "indices [[4, 0], [2, 4]] after the empty ones", np.array([[4, 0], [2, 4]]), 5)


@points(1, task="one_hot")
def test_one_hot_dtypes_and_extremes(student, rng):
    """one_hot: int32 and int64 indices, index 0, the largest index and repeated indices"""
    for dtype in ("int32", "int64"):
        x = np.array([[0, 7, 7], [7, 0, 3], [0, 0, 0]], dtype=dtype)
        check_one_hot(student, f"{dtype} indices with 0, 7 and repeats, num_classes=8", x, 8)
    check_one_hot(student, "50 int32 indices, num_classes=1000", random_indices(rng, (50,), 1000, np.int32), 1000)
    check_one_hot(student, "num_classes=1", np.zeros(3, np.int64), 1)


@points(1, task="one_hot")
def test_one_hot_negative(student):
    """one_hot: a negative index raises ValueError (np.eye(V)[-1] would wrap around)"""
    # Raising is easy; the point needs the valid boundary (index 0) encoded right too.
    check_one_hot(student, "indices [0, 1, 0] (valid)", np.array([0, 1, 0]), 5)
    for case, x in [("one_hot(np.array([-1]), 5)", np.array([-1])),
                    ("a 2-D batch with one negative index", np.array([[0, 1], [2, -3]])),
                    ("int32 indices with -5, num_classes=5", np.array([3, -5], np.int32))]:
        expect_error(lambda: student.call("one_hot", x, 5), case, "ValueError")


@points(1, task="one_hot")
def test_one_hot_too_large(student):
    """one_hot: an index >= num_classes raises ValueError, even one that int32 would wrap into range"""
    check_one_hot(student, "index 4 with num_classes=5 (valid)", np.array([4, 2, 4]), 5)
    for case, x in [("index 5 with num_classes=5", np.array([0, 5])),
                    ("int32 index 100 with num_classes=5", np.array([[1], [100]], np.int32)),
                    ("int64 index 2**32 + 1 (1 if cast to int32)", np.array([2, 2**32 + 1]))]:
        expect_error(lambda: student.call("one_hot", x, 5), case, "ValueError")


@points(1, task="one_hot")
def test_one_hot_non_integer(student):
    """one_hot: float and bool index arrays raise ValueError, even with integral values"""
    check_one_hot(student, "int16 indices (valid)", np.array([1, 2, 0], np.int16), 5)
    check_one_hot(student, "uint8 indices (valid: unsigned integers are integers)", np.array([4, 0, 3], np.uint8), 5)
    for case, x in [("float64 indices [1.0, 2.0]", np.array([1.0, 2.0])),
                    ("float32 indices", np.array([[0.0, 3.0]], np.float32)),
                    ("bool indices", np.array([True, False]))]:
        expect_error(lambda: student.call("one_hot", x, 5), case, "ValueError")


@points(1, task="one_hot")
def test_one_hot_input_unchanged(student, rng):
    """one_hot: the index array is not modified (a second call with the same array is right too)"""
    x = random_indices(rng, (4, 5), 9)
    h = student.put(x.copy(), "indices")
    # The array stays in the worker and is used twice: a call that changed it gets the second
    # answer wrong, whatever the worker says when it is read back. (Not unforgeable: code that
    # keeps a copy of its input and answers from it passes; hence 1 point.)
    for v in (9, 12):
        case = f"one_hot(x, {v}) with x of shape (4, 5)" + (", after one_hot(x, 9)" if v != 9 else "")
        check_array(named(case, student.call, "one_hot", h, v), ref_one_hot(x, v), case, exact=True, dtype="float32")
    check_unchanged(h.value(), x, case)


# ---------------------------------------------------------------- one_hot_torch


def check_one_hot_torch(student, case, x, v, dev):
    # The dtype a tensor is reported as must match its values' (sandbox/boundary.py); as for numpy, a
    # float64 result converted on the way out by a patched worker cannot be told apart.
    got = named(case, student.call, "one_hot_torch", tensor(x, dev), v)
    check_tensor(got, ref_one_hot(x, v), case, device=dev, exact=True, dtype="float32")


@points(1, task="one_hot_torch")
def test_one_hot_torch_values(student, devices, rng):
    """one_hot_torch: float32 values on the input's device, int64, int32, int16 and uint8 indices"""
    for dev in devices:
        # torch indexes only with int64 and int32 (uint8 would act as a mask): the others need converting.
        for dtype in ("int64", "int32", "int16", "uint8"):
            x = random_indices(rng, (6, 4), 10, dtype)
            check_one_hot_torch(student, f"{dtype} indices of shape (6, 4) on {dev}", x, 10, dev)


@points(1, task="one_hot_torch")
def test_one_hot_torch_shapes(student, devices, rng):
    """one_hot_torch: 1-D, 3-D, a batch of one and empty batches"""
    for dev in devices:
        for shape, v in [((9,), 4), ((2, 3, 5), 7), ((1,), 2), ((1, 1), 3), ((0,), 5), ((2, 0), 3)]:
            x = random_indices(rng, shape, v)
            check_one_hot_torch(student, f"indices of shape {shape} on {dev}, num_classes={v}", x, v, dev)


@points(1, task="one_hot_torch")
def test_one_hot_torch_non_integer(student, devices):
    """one_hot_torch: float, complex and bool index tensors raise ValueError"""
    for dev in devices:
        # Raising is easy; the point needs valid int32 indices encoded right too.
        check_one_hot_torch(student, f"int32 indices on {dev} (valid)", np.array([1, 4, 0], np.int32), 5, dev)
        for case, x in [(f"float32 indices on {dev}", np.array([1.0, 2.0], np.float32)),
                        (f"bool indices on {dev}", np.array([True, False])),
                        (f"complex64 indices on {dev}", np.array([1, 2], np.complex64))]:
            expect_error(lambda: student.call("one_hot_torch", tensor(x, dev), 5), case, "ValueError")


@points(1, task="one_hot_torch")
def test_one_hot_torch_input_unchanged(student, devices, rng):
    """one_hot_torch: the index tensor is not modified (a second call with the same tensor is right too)"""
    for dev in devices:
        x = random_indices(rng, (3, 4), 6)
        h = student.put(tensor(x.copy(), dev), "indices")
        # Used twice, as in test_one_hot_input_unchanged (forgeable the same way; 1 point).
        for v in (6, 8):
            case = (f"one_hot_torch(x, {v}) with x of shape (3, 4) on {dev}"
                    + (", after one_hot_torch(x, 6)" if v != 6 else ""))
            got = named(case, student.call, "one_hot_torch", h, v)
            check_tensor(got, ref_one_hot(x, v), case, device=dev, exact=True, dtype="float32")
        check_unchanged(h.value(), x, case)


# ---------------------------------------------------------------- one_hot_torch: invalid indices
# Last in the file: on a GPU, code that does not check its indices triggers a
# device-side assert, after which every CUDA call in the worker fails. Running
# these tests last keeps that from costing points in other tests.


@points(1, task="one_hot_torch")
def test_one_hot_torch_negative(student, devices):
    """one_hot_torch: a negative index raises ValueError"""
    for dev in devices:
        # Raising is easy; the point needs the valid boundary (index 0) encoded right too.
        check_one_hot_torch(student, f"indices [0, 3, 0] on {dev} (valid)", np.array([0, 3, 0]), 5, dev)
        for case, x in [(f"index -1 on {dev}", np.array([0, -1])),
                        (f"int32 index -7 on {dev}", np.array([[2], [-7]], np.int32))]:
            expect_error(lambda: student.call("one_hot_torch", tensor(x, dev), 5), case, "ValueError")


@points(1, task="one_hot_torch")
def test_one_hot_torch_too_large(student, devices):
    """one_hot_torch: an index >= num_classes raises ValueError, even one that int32 would wrap into range"""
    for dev in devices:
        check_one_hot_torch(student, f"index 4 with num_classes=5 on {dev} (valid)", np.array([[4], [1]]), 5, dev)
        for case, x in [(f"index 5 with num_classes=5 on {dev}", np.array([1, 5])),
                        (f"int32 index 64 with num_classes=5 on {dev}", np.array([[64]], np.int32)),
                        (f"int64 index 2**32 + 1 (1 if cast to int32) on {dev}", np.array([2, 2**32 + 1]))]:
            expect_error(lambda: student.call("one_hot_torch", tensor(x, dev), 5), case, "ValueError")


# ---------------------------------------------------------------- questions
# The key lives here only: the notebook's answer cell is stripped on release. `why` is what a
# learner reads once the answers are released.

QUESTIONS = {
    1: Number(2002, 'The 2,000 words get the indices 1 to 2,000, `<pad>` is 0 and `<unk>` is 2,001. The indices run from 0 to 2,001, and a table needs one row more than the largest index: 2,002.', ask='A corpus has 2,000 distinct words. You build its vocabulary as this chapter does (`buil...'),
    2: Choice("c", 'Unseen words are normal at prediction time, so they map to `<unk>` instead of raising. Index 0 is kept for padding, which carries no word, and a new index would need a row the trained table does not have.', ask='At prediction time a review contains *popcorn*, a word the training corpus never had. W...'),
    3: Number(7, "`'pre'` truncation drops tokens from the front and keeps the end of the text: `[7, 8, 9]`.", ask="With Keras's defaults (`padding='pre'`, `truncating='pre'`), what is the first element ..."),
    4: Number(3_200_000, 'Every index becomes a vector of length 5,000: shape `(32, 20, 5000)`, 32 × 20 × 5,000 = 3,200,000 numbers, all but 640 of them zeros.', ask='A batch of token indices has shape `(32, 20)` and the vocabulary has 5,000 entries. How...'),
    5: Choice("b", "numpy counts negative indices from the end, without a word: -1 is the last row. PyTorch's `F.one_hot` raises instead. Code that encodes indices should check their range itself.", ask='`V = 10` and `eye = np.eye(V)`. A bug upstream produces the index -1. What does `eye[-1...'),
    6: Choice("d", 'Two different one-hot vectors have their 1 in different places, so they are orthogonal: every pair of words is equally different. Similarity has to be learnt, which is what an embedding table does.', ask='*good* and *great* mean nearly the same. What is the dot product of their one-hot vectors'),
    7: Choice("a", 'An index names a word and means nothing as a quantity; ordering by frequency only makes a vocabulary cut simple: the most frequent words keep their indices.', ask='Why does `build_vocab` number the words by decreasing frequency'),
    8: Choice("b", 'Indices are names, not quantities. A layer multiplies its input, so it would treat index 4 as more than index 3; one-hot vectors (and embeddings) give every word its own direction instead.', ask="Why not feed each word's index itself, one number per word (say *great* = 3, *terrible*..."),
}


globals().update(question_tests(1, QUESTIONS))
