# replaces: solution-embedding
# bug: correct, but forward loops over the tokens in Python (torch.stack of single rows)
# caught by: test_embedding_speed
class Embedding(torch.nn.Module):
    def __init__(self, num_embeddings, embedding_dim):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(num_embeddings, embedding_dim))

    def forward(self, x):
        rows = [self.weight[i] for i in x.reshape(-1).tolist()]
        out = torch.stack(rows) if rows else self.weight[:0]
        return out.reshape(*x.shape, self.weight.shape[1])
