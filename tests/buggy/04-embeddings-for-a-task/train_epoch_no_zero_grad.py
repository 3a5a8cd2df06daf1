# replaces: solution-train_epoch
# bug: never resets the gradients: each backward() adds to the gradients of all earlier batches
# caught by: test_train_epoch_resets_gradients
def train_epoch(model, optimizer, x, y, batch_size):
    model.train()
    order = torch.randperm(len(x)).to(x.device)
    loss_sum = 0.0
    for start in range(0, len(x), batch_size):
        batch = order[start:start + batch_size]
        loss = F.binary_cross_entropy_with_logits(model(x[batch]), y[batch])
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(batch)
    return loss_sum / len(x)
