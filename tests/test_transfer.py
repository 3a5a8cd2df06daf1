"""Chapter 6's experiment (embedding_course/transfer.py): each run chooses its epoch on the
validation split and meets the test split once; the random controls match each pretrained table's
width and scale; the "+vocab" conditions read the larger vocabulary and leave the rows of words
that no training sentence contains exactly as they came."""
import numpy as np
import pytest
import torch

from embedding_course import transfer


def synthetic_task(n=96, extra=3, seed=0) -> transfer.Task:
    """Ids 1..8 are words (1-4 positive, 5-8 negative), 9 is <unk>, 10.. are extra words that only
    validation and test sentences contain."""
    g = torch.Generator().manual_seed(seed)
    maxlen = transfer.CONFIG["maxlen"]

    def sentences(count, vocab_hi):
        y = torch.randint(0, 2, (count,), generator=g).float()
        x = torch.zeros(count, maxlen, dtype=torch.int64)
        words = torch.where(y[:, None] > 0, torch.randint(1, 5, (count, 6), generator=g),
                            torch.randint(5, 9, (count, 6), generator=g))
        x[:, -6:] = words
        if vocab_hi > 10:
            x[::2, -7] = torch.randint(10, vocab_hi, (len(x[::2]),), generator=g)
        return x, y

    itos = ["<pad>"] + [f"w{i}" for i in range(1, 9)] + ["<unk>"]
    x_train, y_train = sentences(n, 10)
    x_val_plus, y_val = sentences(40, 10 + extra)
    x_test_plus, y_test = sentences(40, 10 + extra)
    unk = len(itos) - 1
    x_val, x_test = x_val_plus.clamp(max=unk), x_test_plus.clamp(max=unk)
    return transfer.Task(itos, None, x_train, y_train, x_val, y_val, x_test, y_test,
                         [f"extra{k}" for k in range(extra)], x_val_plus, x_test_plus,
                         unseen=(x_test_plus > unk).any(dim=1))


def matrices(task, d=4, seed=1):
    g = torch.Generator().manual_seed(seed)
    glove = 3.0 * torch.randn(len(task.itos), d, generator=g)
    glove[0] = 0
    return {"glove": glove, "course": 0.1 * torch.randn(len(task.itos), 2 * d, generator=g),
            "glove+vocab": torch.cat([glove, torch.randn(len(task.extra_words), d, generator=g)])}


@pytest.fixture
def short(monkeypatch):
    monkeypatch.setitem(transfer.CONFIG, "min_epochs", 5)
    monkeypatch.setitem(transfer.CONFIG, "min_steps", 1)
    monkeypatch.setitem(transfer.CONFIG, "batch_size", 16)


def test_the_epoch_is_chosen_on_validation_and_the_test_split_is_scored_once(short, monkeypatch):
    task = synthetic_task()
    scored = []
    real = transfer.accuracy

    def logged(model, x, y):
        value = real(model, x, y)
        scored.append(("val" if y is task.y_val else "test", value))
        return value

    monkeypatch.setattr(transfer, "accuracy", logged)
    run = transfer.one_run("random", 64, 0, task, matrices(task))
    kinds = [kind for kind, _ in scored]
    assert kinds == ["val"] * transfer.epochs_for(64) + ["test", "test"], kinds
    vals = [v for kind, v in scored if kind == "val"]
    assert run["epoch"] == 1 + int(np.argmax(vals)) and run["val"] == max(vals)      # the first of equals
    assert run["test"] == scored[-2][1] and run["test_unseen"] == scored[-1][1]
    assert 0.0 <= run["test"] <= 1.0 and 0.0 <= run["test_unseen"] <= 1.0


def test_the_kept_model_is_the_one_of_the_chosen_epoch(short, monkeypatch):
    """The model scored on the test split has the parameters of the chosen epoch (training again for
    exactly that many epochs gives them), not those of the last epoch."""
    monkeypatch.setitem(transfer.CONFIG, "min_epochs", 20)
    task = synthetic_task()
    tested = []
    real = transfer.accuracy

    def capture(model, x, y):
        if y is task.y_test:
            tested.append({k: v.clone() for k, v in model.state_dict().items()})
        return real(model, x, y)

    monkeypatch.setattr(transfer, "accuracy", capture)
    run = transfer.one_run("glove-finetuned", 64, 0, task, matrices(task))
    assert run["epoch"] < 20, "the check needs a run whose best epoch is not its last"
    monkeypatch.setitem(transfer.CONFIG, "min_epochs", run["epoch"])
    again = transfer.one_run("glove-finetuned", 64, 0, task, matrices(task))
    assert again["epoch"] == run["epoch"]
    assert all(torch.equal(tested[0][k], tested[1][k]) for k in tested[0])


@pytest.mark.parametrize("condition, dim, std", [("random", 50, 1.0), ("random-glove-scale", 4, 3.0),
                                                 ("random-course-scale", 8, 0.1)])
def test_random_controls_match_the_width_and_scale_of_their_table(condition, dim, std):
    task = synthetic_task()
    mats = matrices(task)
    mats = {**mats, "glove": 3.0 * torch.randn(5000, 4), "course": 0.1 * torch.randn(5000, 8)}
    torch.manual_seed(0)
    weight = transfer.make_model(condition, mats, 5000).embedding.weight
    assert weight.requires_grad, "a random table is trained"
    table = weight.detach()
    assert table.shape == (5000, dim)
    assert not table[0].any(), "the padding row is zero"
    assert abs(float(table[1:].std()) / std - 1) < 0.05, float(table[1:].std())


def test_pretrained_conditions_copy_their_table_and_freeze_only_when_asked():
    task = synthetic_task()
    mats = matrices(task)
    for condition, source in (("glove-frozen", "glove"), ("course-finetuned", "course"),
                              ("glove+vocab-finetuned", "glove+vocab")):
        weight = transfer.make_model(condition, mats, None).embedding.weight
        assert torch.equal(weight.detach(), mats[source]) and weight.data_ptr() != mats[source].data_ptr()
        assert weight.requires_grad == condition.endswith("finetuned")


def test_the_larger_vocabulary_is_read_and_unseen_rows_stay_as_they_came(short, monkeypatch):
    task = synthetic_task()
    mats = matrices(task)
    kept = {}
    real_load = torch.nn.Module.load_state_dict

    def keep(self, state, *args, **kwargs):
        kept["weight"] = state["embedding.weight"].clone()
        return real_load(self, state, *args, **kwargs)

    monkeypatch.setattr(torch.nn.Module, "load_state_dict", keep)
    run = transfer.one_run("glove+vocab-finetuned", 96, 0, task, mats)
    V = len(task.itos)
    after, before = kept["weight"], mats["glove+vocab"]
    assert after.shape == before.shape
    assert torch.equal(after[V:], before[V:]), "rows of words no training sentence has must not move"
    assert not torch.equal(after[1:9], before[1:9]), "the training words' rows were fine-tuned"
    assert torch.equal(after[0], before[0])
    assert 0.0 <= run["test_unseen"] <= 1.0 and int(task.unseen.sum()) > 0


@pytest.mark.parametrize("condition, plus", [("glove+vocab-frozen", True), ("glove-frozen", False)])
def test_each_condition_reads_its_own_vocabulary(short, monkeypatch, condition, plus):
    task = synthetic_task()
    read = []
    real = transfer.accuracy
    monkeypatch.setattr(transfer, "accuracy", lambda model, x, y: (read.append(x), real(model, x, y))[1])
    transfer.one_run(condition, 64, 0, task, matrices(task))
    x_val, x_test = (task.x_val_plus, task.x_test_plus) if plus else (task.x_val, task.x_test)
    assert all(x is x_val for x in read[:-2]) and read[-2] is x_test
    assert torch.equal(read[-1], x_test[task.unseen])


def test_the_task_encodes_training_sentences_alike_in_both_vocabularies():
    task = transfer.task()
    V = len(task.itos)
    assert task.itos[0] == "<pad>" and task.itos[-1] == "<unk>"
    assert len(task.x_train) == transfer.CONFIG["sizes"][-1], "the last size is the whole training split"
    assert int(task.x_train.max()) < V, "training sentences use the training vocabulary only"
    known = task.x_test_plus < V
    assert torch.equal(task.x_test_plus[known], task.x_test[known])
    assert torch.equal(task.x_test[~known], torch.full_like(task.x_test[~known], V - 1)), "the rest are <unk>"
    assert torch.equal(task.unseen, (~known).any(dim=1))
    assert not set(task.extra_words) & set(task.itos)
    assert len(task.x_val) == len(task.y_val) > 0 and len(task.x_test) == len(task.y_test) > 0
