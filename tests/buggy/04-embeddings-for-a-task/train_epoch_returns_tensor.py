# replaces: solution-train_epoch
# bug: accumulates the loss tensors (keeping every batch's graph alive) and returns a tensor instead of a float
# caught by: test_train_epoch_mean_loss
def train_epoch(model, optimizer, x, y, batch_size):
    model.train()
    order = torch.randperm(len(x)).to(x.device)
    loss_sum = 0.0
    for start in range(0, len(x), batch_size):
        batch = order[start:start + batch_size]
        optimizer.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(x[batch]), y[batch])
        loss.backward()
        optimizer.step()
        loss_sum = loss_sum + loss * len(batch)
    return loss_sum / len(x)
