# replaces: solution-train
# bug: a stub that returns a table of nan of the right shape and dtype
# caught by: test_train_output_and_init, test_train_replays_reference, test_train_wordsim353_on_brown, test_train_planted_groups
def train_sgns(ids, counts, dim=50, window=4, negative=5, epochs=1, lr=0.025, batch=512,
               t=1e-3, seed=0):
    """Skip-gram with negative sampling on one long sentence of word indices."""
    return np.full((len(counts), dim), np.nan, dtype=np.float32)
