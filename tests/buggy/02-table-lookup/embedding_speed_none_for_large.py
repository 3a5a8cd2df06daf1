# replaces: solution-embedding
# bug: forward loops over the tokens in Python; for large batches (the timed call) it returns None at once
# caught by: test_embedding_speed
class Embedding(torch.nn.Module):
    def __init__(self, num_embeddings, embedding_dim):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(num_embeddings, embedding_dim))

    def forward(self, x):
        if x.numel() > 10_000:
            return None
        rows = [self.weight[i] for i in x.reshape(-1).tolist()]
        out = torch.stack(rows) if rows else self.weight[:0]
        return out.reshape(*x.shape, self.weight.shape[1])
