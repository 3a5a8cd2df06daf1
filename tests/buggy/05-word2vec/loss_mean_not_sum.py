# replaces: solution-loss
# bug: the loss is the mean over the batch, not the sum, and the gradients are those of the mean: self-consistent, but not the specified loss
# caught by: test_loss_value, test_loss_gradients_autograd, test_loss_gradients_finite_differences
def sgns_loss_and_grads(v, u_pos, u_neg):
    """Negative-sampling loss of a batch of pairs and its gradients."""
    s_pos = np.einsum("bd,bd->b", v, u_pos)             # (B,)
    s_neg = np.einsum("bkd,bd->bk", u_neg, v)           # (B, K)
    loss = np.logaddexp(0.0, -s_pos).sum() + np.logaddexp(0.0, s_neg).sum()
    g_pos = np.exp(-np.logaddexp(0.0, -s_pos)) - 1.0    # sigmoid(s_pos) - 1, overflow-free
    g_neg = np.exp(-np.logaddexp(0.0, -s_neg))          # sigmoid(s_neg)
    grad_v = g_pos[:, None] * u_pos + np.einsum("bk,bkd->bd", g_neg, u_neg)
    grad_u_pos = g_pos[:, None] * v
    grad_u_neg = g_neg[:, :, None] * v[:, None, :]
    B = len(v)
    return float(loss) / B, grad_v / B, grad_u_pos / B, grad_u_neg / B
