# replaces: solution-coverage
# bug: the token share ignores the counts (it is the type share again)
# caught by: test_coverage_values
def coverage(word_counts, words):
    """(share of the distinct words, share of the tokens) of word_counts that the pretrained words cover."""
    if not word_counts:
        raise ValueError("word_counts is empty: there is nothing to cover")
    known = set(words)
    covered = [w for w in word_counts if w.lower() in known]
    types = len(covered) / len(word_counts)
    tokens = len(covered) / len(word_counts)
    return float(types), float(tokens)
