# replaces: solution-train_epoch
# bug: no shuffling: every epoch walks through the data in the same order
# caught by: test_train_epoch_shuffles
def train_epoch(model, optimizer, x, y, batch_size):
    model.train()
    loss_sum = 0.0
    for start in range(0, len(x), batch_size):
        xb, yb = x[start:start + batch_size], y[start:start + batch_size]
        optimizer.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(xb), yb)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(xb)
    return loss_sum / len(x)
