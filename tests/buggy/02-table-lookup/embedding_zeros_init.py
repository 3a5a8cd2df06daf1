# replaces: solution-embedding
# bug: the weight is initialised with zeros instead of N(0, 1)
# caught by: test_embedding_init
class Embedding(torch.nn.Module):
    def __init__(self, num_embeddings, embedding_dim):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(num_embeddings, embedding_dim))

    def forward(self, x):
        return self.weight[x.long()]
