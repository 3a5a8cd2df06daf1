# replaces: solution-gradient
# bug: the true context's score gradient is 1 - sigmoid(s) instead of sigmoid(s) - 1
# caught by: test_gradient_score_grads, test_gradient_pair_grads, test_gradient_output_table_grad
def sigmoid(x):
    """σ(x) = 1 / (1 + exp(-x)), without overflow for large |x| (given)."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=np.float64)))


def sigmoid_grad(x):
    """Step 1: dσ/dx, written with σ(x)."""
    return sigmoid(x) * (1.0 - sigmoid(x))


def log_sigmoid_grad(x):
    """Step 2: d/dx log σ(x)."""
    return 1.0 - sigmoid(x)


def score_grads(s_pos, s_neg):
    """Step 3: (∂ℓ/∂s_pos, ∂ℓ/∂s_neg), shaped like s_pos and s_neg."""
    return 1.0 - sigmoid(s_pos), sigmoid(s_neg)


def pair_grads(v, u_pos, u_neg):
    """Step 4: (grad_v, grad_u_pos, grad_u_neg) of one pair's loss; v, u_pos (d,), u_neg (K, d)."""
    g_pos, g_neg = score_grads(u_pos @ v, u_neg @ v)
    return g_pos * u_pos + g_neg @ u_neg, g_pos * v, g_neg[:, None] * v[None, :]


def output_table_grad(W_in, W_out, center, context, noise):
    """Step 5: the gradient of the pair's loss with respect to the whole output table (V, d)."""
    v = W_in[center]
    _, grad_u_pos, grad_u_neg = pair_grads(v, W_out[context], W_out[noise])
    G = np.zeros_like(W_out, dtype=np.float64)
    G[context] += grad_u_pos
    np.add.at(G, noise, grad_u_neg)
    return G
