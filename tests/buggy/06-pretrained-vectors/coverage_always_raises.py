# replaces: solution-coverage
# bug: a stub that raises ValueError whatever word_counts holds
# caught by: test_coverage_empty, test_coverage_values, test_coverage_lowercase
def coverage(word_counts, words):
    """(share of the distinct words, share of the tokens) of word_counts that the pretrained words cover."""
    raise ValueError("word_counts is empty: there is nothing to cover")
