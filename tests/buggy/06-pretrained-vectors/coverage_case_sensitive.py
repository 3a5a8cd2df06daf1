# replaces: solution-coverage
# bug: words looked up as they are, although the vectors are lowercased
# caught by: test_coverage_lowercase
def coverage(word_counts, words):
    """(share of the distinct words, share of the tokens) of word_counts that the pretrained words cover."""
    if not word_counts:
        raise ValueError("word_counts is empty: there is nothing to cover")
    known = set(words)
    covered = [w for w in word_counts if w in known]
    types = len(covered) / len(word_counts)
    tokens = sum(word_counts[w] for w in covered) / sum(word_counts.values())
    return float(types), float(tokens)
