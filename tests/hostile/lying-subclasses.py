# attack: returns ndarray and tensor subclasses whose __eq__, __abs__, __lt__ and __array__ lie
# zero: one_hot, one_hot_torch
import numpy as np, torch

class Liar(np.ndarray):
    def __eq__(self, other): return np.ones(np.shape(other), bool)
    def __ne__(self, other): return np.zeros(np.shape(other), bool)
    def __abs__(self): return np.zeros(self.shape)
    def __lt__(self, other): return np.ones(np.shape(other), bool)
    def __le__(self, other): return np.ones(np.shape(other), bool)
    def __array__(self, *a, **k): return np.ones(self.shape)

class LyingTensor(torch.Tensor):
    def __eq__(self, other): return torch.ones_like(other, dtype=torch.bool)
    def __abs__(self): return torch.zeros_like(self)

def one_hot(indices, num_classes):
    return np.zeros(np.shape(indices) + (num_classes + 1,), np.float32).view(Liar)  # wrong everywhere

def one_hot_torch(indices, num_classes):
    return torch.zeros(tuple(indices.shape) + (num_classes + 1,), device=indices.device).as_subclass(LyingTensor)
