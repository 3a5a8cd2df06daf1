# replaces: solution-coverage
# bug: no check for an empty word_counts: ZeroDivisionError instead of ValueError
# caught by: test_coverage_empty
def coverage(word_counts, words):
    """(share of the distinct words, share of the tokens) of word_counts that the pretrained words cover."""
    known = set(words)
    covered = [w for w in word_counts if w.lower() in known]
    types = len(covered) / len(word_counts)
    tokens = sum(word_counts[w] for w in covered) / sum(word_counts.values())
    return float(types), float(tokens)
