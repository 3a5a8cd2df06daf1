# replaces: solution-embedding
# bug: uniform initialisation scaled to mean 0 and variance 1 ((rand - 0.5) * sqrt(12)), not a normal one
# caught by: test_embedding_init
class Embedding(torch.nn.Module):
    def __init__(self, num_embeddings, embedding_dim):
        super().__init__()
        self.weight = torch.nn.Parameter((torch.rand(num_embeddings, embedding_dim) - 0.5) * 12 ** 0.5)

    def forward(self, x):
        return self.weight[x.long()]
