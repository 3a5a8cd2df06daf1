# replaces: solution-loss
# bug: the sign of the negative term is flipped: noise words are pulled closer, like true contexts
# caught by: test_loss_value, test_loss_gradients_autograd
def sgns_loss_and_grads(v, u_pos, u_neg):
    """Negative-sampling loss of a batch of pairs and its gradients."""
    s_pos = np.einsum("bd,bd->b", v, u_pos)             # (B,)
    s_neg = np.einsum("bkd,bd->bk", u_neg, v)           # (B, K)
    loss = np.logaddexp(0.0, -s_pos).sum() + np.logaddexp(0.0, -s_neg).sum()   # -log sigmoid(+s) for the noise too
    g_pos = np.exp(-np.logaddexp(0.0, -s_pos)) - 1.0    # sigmoid(s_pos) - 1, overflow-free
    g_neg = np.exp(-np.logaddexp(0.0, -s_neg)) - 1.0    # as if the noise words were true contexts
    grad_v = g_pos[:, None] * u_pos + np.einsum("bk,bkd->bd", g_neg, u_neg)
    grad_u_pos = g_pos[:, None] * v
    grad_u_neg = g_neg[:, :, None] * v[:, None, :]
    return float(loss), grad_v, grad_u_pos, grad_u_neg
    ### END SOLUTION
