# replaces: solution-model
# bug: the mask is right, but nn.Embedding lacks padding_idx: the padding row starts random and gets gradients
# caught by: test_model_padding_row
class SentimentModel(nn.Module):
    def __init__(self, vocab_size, embedding_dim, padding_idx=0):
        super().__init__()
        self.padding = padding_idx
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.linear = nn.Linear(embedding_dim, 1)

    def forward(self, x):
        real = (x != self.padding).unsqueeze(-1).float()
        pooled = (self.embedding(x) * real).sum(dim=1) / real.sum(dim=1).clamp(min=1)
        return self.linear(pooled).squeeze(-1)
