# replaces: solution-model
# bug: off by one: the table has vocab_size - 1 rows, so the last index (<unk>) is out of range
# caught by: test_model_layers, test_model_padding_row, test_model_forward, test_model_padding_invariance, test_model_all_padding, test_model_gradient, test_model_learns
class SentimentModel(nn.Module):
    def __init__(self, vocab_size, embedding_dim, padding_idx=0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size - 1, embedding_dim, padding_idx=padding_idx)
        self.linear = nn.Linear(embedding_dim, 1)

    def forward(self, x):
        real = (x != self.embedding.padding_idx).unsqueeze(-1).float()
        pooled = (self.embedding(x) * real).sum(dim=1) / real.sum(dim=1).clamp(min=1)
        return self.linear(pooled).squeeze(-1)
