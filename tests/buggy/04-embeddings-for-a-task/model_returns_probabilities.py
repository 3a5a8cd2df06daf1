# replaces: solution-model
# bug: forward applies a sigmoid and returns probabilities instead of logits (the loss applies the sigmoid again)
# caught by: test_model_forward, test_model_all_padding, test_model_gradient, test_model_learns
class SentimentModel(nn.Module):
    def __init__(self, vocab_size, embedding_dim, padding_idx=0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=padding_idx)
        self.linear = nn.Linear(embedding_dim, 1)

    def forward(self, x):
        real = (x != self.embedding.padding_idx).unsqueeze(-1).float()
        pooled = (self.embedding(x) * real).sum(dim=1) / real.sum(dim=1).clamp(min=1)
        return torch.sigmoid(self.linear(pooled).squeeze(-1))
