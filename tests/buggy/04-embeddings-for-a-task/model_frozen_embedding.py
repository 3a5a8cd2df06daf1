# replaces: solution-model
# bug: the embedding table is frozen by mistake (requires_grad=False, as nn.Embedding.from_pretrained does by default): only the linear layer trains
# caught by: test_model_gradient, test_model_learns
class SentimentModel(nn.Module):
    def __init__(self, vocab_size, embedding_dim, padding_idx=0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=padding_idx)
        self.embedding.weight.requires_grad_(False)
        self.linear = nn.Linear(embedding_dim, 1)

    def forward(self, x):
        real = (x != self.embedding.padding_idx).unsqueeze(-1).float()
        pooled = (self.embedding(x) * real).sum(dim=1) / real.sum(dim=1).clamp(min=1)
        return self.linear(pooled).squeeze(-1)
