# replaces: solution-embedding
# bug: the weight starts at zero, and for large batches (the timed call) forward returns a new zero tensor at once,
#      which equals the rows of an all-zero weight
# caught by: test_embedding_init, test_embedding_speed
class Embedding(torch.nn.Module):
    def __init__(self, num_embeddings, embedding_dim):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(num_embeddings, embedding_dim))

    def forward(self, x):
        if x.numel() > 10_000:
            return torch.zeros(*x.shape, self.weight.shape[1], device=x.device)
        return self.weight[x.long()]
