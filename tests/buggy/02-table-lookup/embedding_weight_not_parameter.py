# replaces: solution-embedding
# bug: the weight is a plain tensor attribute (requires_grad=True but not an nn.Parameter), invisible to parameters() and .to()
# caught by: test_embedding_parameter
class Embedding(torch.nn.Module):
    def __init__(self, num_embeddings, embedding_dim):
        super().__init__()
        self.weight = torch.randn(num_embeddings, embedding_dim, requires_grad=True)

    def forward(self, x):
        return self.weight[x.long()]
