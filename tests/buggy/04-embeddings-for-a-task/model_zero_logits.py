# replaces: solution-model
# bug: forward returns zero logits (still connected to the layers): the same for any padding, and the padding row gets no gradient
# caught by: test_model_forward, test_model_padding_invariance, test_model_padding_row, test_model_all_padding, test_model_gradient, test_model_learns
class SentimentModel(nn.Module):
    def __init__(self, vocab_size, embedding_dim, padding_idx=0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=padding_idx)
        self.linear = nn.Linear(embedding_dim, 1)

    def forward(self, x):
        return self.linear(self.embedding(x).sum(dim=1)).squeeze(-1) * 0
