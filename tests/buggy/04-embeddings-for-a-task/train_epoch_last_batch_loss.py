# replaces: solution-train_epoch
# bug: returns the loss of the last batch instead of the mean over the epoch
# caught by: test_train_epoch_mean_loss
def train_epoch(model, optimizer, x, y, batch_size):
    model.train()
    order = torch.randperm(len(x)).to(x.device)
    for start in range(0, len(x), batch_size):
        batch = order[start:start + batch_size]
        optimizer.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(x[batch]), y[batch])
        loss.backward()
        optimizer.step()
    return loss.item()
