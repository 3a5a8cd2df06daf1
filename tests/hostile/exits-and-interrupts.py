# attack: sys.exit, KeyboardInterrupt and os._exit from inside graded functions
# zero: one_hot, one_hot_torch, texts_to_sequences
import os, sys

def one_hot(indices, num_classes):
    sys.exit(0)

def one_hot_torch(indices, num_classes):
    raise KeyboardInterrupt

def texts_to_sequences(texts, vocab):
    os._exit(0)
