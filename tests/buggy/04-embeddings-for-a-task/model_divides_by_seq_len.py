# replaces: solution-model
# bug: mean pooling divides by the padded length (vectors.mean(dim=1)), so the amount of padding changes the logits
# caught by: test_model_forward, test_model_padding_invariance, test_model_all_padding, test_model_gradient
class SentimentModel(nn.Module):
    def __init__(self, vocab_size, embedding_dim, padding_idx=0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=padding_idx)
        self.linear = nn.Linear(embedding_dim, 1)

    def forward(self, x):
        return self.linear(self.embedding(x).mean(dim=1)).squeeze(-1)
