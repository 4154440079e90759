"""train_epoch: answers that must get full marks, and known mistakes that must lose points
with a message containing their phrase. Each replaces the train_epoch cell of an otherwise correct notebook.
Instructor-side: read by `python -m grader audit` and the tests, never by the sandboxed child."""

from __future__ import annotations

from grader.exercises.variants import Variant

CORRECT = [
    Variant("train_epoch_set_grad_enabled", """
def train_epoch(model, loader, loss_fn, optimizer=None):
    training = optimizer is not None
    model.train(training)
    total_loss, correct, seen = 0.0, 0, 0
    with torch.set_grad_enabled(training):
        for x, y in loader:
            logits = model(x)
            loss = loss_fn(logits, y)
            if training:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            total_loss += loss.item() * len(y)
            correct += (logits.argmax(dim=1) == y).sum().item()
            seen += len(y)
    return total_loss / seen, correct / seen
"""),
    Variant("train_epoch_two_branches", """
def _evaluate(model, loader, loss_fn):
    model.eval()
    losses, hits, n = [], 0, 0
    with torch.no_grad():
        for images, labels in loader:
            out = model(images)
            losses.append(loss_fn(out, labels) * labels.shape[0])
            hits += int((out.argmax(1) == labels).sum())
            n += labels.shape[0]
    return float(torch.stack(losses).sum() / n), hits / n


def train_epoch(model, loader, loss_fn, optimizer=None):
    if optimizer is None:
        return _evaluate(model, loader, loss_fn)
    model.train()
    losses, hits, n = [], 0, 0
    for images, labels in loader:
        optimizer.zero_grad()
        out = model(images)
        loss = loss_fn(out, labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.detach() * labels.shape[0])
        hits += int((out.argmax(1) == labels).sum())
        n += labels.shape[0]
    return float(torch.stack(losses).sum() / n), hits / n
"""),
    Variant("train_epoch_returns_tensors", """
def train_epoch(model, loader, loss_fn, optimizer=None):
    model.train() if optimizer else model.eval()
    total = torch.zeros(())
    correct = torch.zeros(())
    count = 0
    for x, y in loader:
        with torch.set_grad_enabled(optimizer is not None):
            logits = model(x)
            loss = loss_fn(logits, y)
        if optimizer:
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        total += loss.detach() * y.numel()
        correct += (logits.argmax(-1) == y).sum()
        count += y.numel()
    return total / count, correct / count
"""),
]

_CORRECT_BODY = CORRECT[0].source

MISTAKES = [
    Variant("train_epoch_mean_of_batch_means", _CORRECT_BODY.replace("loss.item() * len(y)", "loss.item()").replace(
        "return total_loss / seen,", "return total_loss / len(loader),"), expect="mean of the batches' mean losses"),
    Variant("train_epoch_no_zero_grad", _CORRECT_BODY.replace("                optimizer.zero_grad()\n", ""),
            expect="never calls optimizer.zero_grad()"),
    Variant("train_epoch_accuracy_count", _CORRECT_BODY.replace("correct / seen", "correct"),
            expect="number of correct predictions"),
    Variant("train_epoch_evaluates_with_grad", """
def train_epoch(model, loader, loss_fn, optimizer=None):
    model.train(optimizer is not None)
    total_loss, correct, seen = 0.0, 0, 0
    for x, y in loader:
        logits = model(x)
        loss = loss_fn(logits, y)
        if optimizer is not None:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        total_loss += loss.item() * len(y)
        correct += (logits.argmax(dim=1) == y).sum().item()
        seen += len(y)
    return total_loss / seen, correct / seen
""", expect="torch.no_grad()"),
    Variant("train_epoch_backward_when_evaluating", """
def train_epoch(model, loader, loss_fn, optimizer=None):
    model.train(optimizer is not None)
    total_loss, correct, seen = 0.0, 0, 0
    for x, y in loader:
        logits = model(x)
        loss = loss_fn(logits, y)
        loss.backward()
        if optimizer is not None:
            optimizer.step()
            optimizer.zero_grad()
        total_loss += loss.item() * len(y)
        correct += (logits.argmax(dim=1) == y).sum().item()
        seen += len(y)
    return total_loss / seen, correct / seen
""", expect="computes gradients"),
    Variant("train_epoch_forgets_eval_mode", _CORRECT_BODY.replace("    model.train(training)\n", "    model.train()\n"),
            expect="call model.eval()"),
    Variant("train_epoch_forgets_train_mode", _CORRECT_BODY.replace("    model.train(training)\n", "    if not training:\n        model.eval()\n"),
            expect="call model.train()"),
    Variant("train_epoch_last_batch_loss", _CORRECT_BODY.replace("total_loss += loss.item() * len(y)", "total_loss = loss.item()").replace(
        "return total_loss / seen, correct / seen", "return total_loss, correct / seen"),
        expect="last batch only"),
    Variant("train_epoch_swapped_pair", _CORRECT_BODY.replace("return total_loss / seen, correct / seen", "return correct / seen, total_loss / seen"),
            expect="(accuracy, loss)"),
    Variant("train_epoch_no_step", _CORRECT_BODY.replace("                optimizer.step()\n", ""),
            expect="leaves the parameters unchanged"),
]
