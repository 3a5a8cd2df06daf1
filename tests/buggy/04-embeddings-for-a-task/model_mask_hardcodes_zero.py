# replaces: solution-model
# bug: the mask compares with 0 instead of padding_idx: with padding_idx=2 the padding positions are averaged in and token 0 is dropped
# caught by: test_model_forward
class SentimentModel(nn.Module):
    def __init__(self, vocab_size, embedding_dim, padding_idx=0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=padding_idx)
        self.linear = nn.Linear(embedding_dim, 1)

    def forward(self, x):
        real = (x != 0).unsqueeze(-1).float()
        pooled = (self.embedding(x) * real).sum(dim=1) / real.sum(dim=1).clamp(min=1)
        return self.linear(pooled).squeeze(-1)
