# replaces: solution-embedding
# bug: forward indexes with x as it is: int16 indices raise IndexError, uint8 ones act as a mask
# caught by: test_embedding_forward_empty_int32
class Embedding(torch.nn.Module):
    def __init__(self, num_embeddings, embedding_dim):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(num_embeddings, embedding_dim))

    def forward(self, x):
        return self.weight[x]
