# replaces: solution-train_epoch
# bug: never calls model.train(): after an evaluation the model trains in evaluation mode (dropout and batch norm would be off)
# caught by: test_train_epoch_training_mode
def train_epoch(model, optimizer, x, y, batch_size):
    order = torch.randperm(len(x)).to(x.device)
    loss_sum = 0.0
    for start in range(0, len(x), batch_size):
        batch = order[start:start + batch_size]
        optimizer.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(x[batch]), y[batch])
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(batch)
    return loss_sum / len(x)
