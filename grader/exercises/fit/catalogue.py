"""fit: answers that must get full marks, and known mistakes that must lose points
with a message containing their phrase. Each replaces the fit cell of an otherwise correct notebook.
Instructor-side: read by `python -m grader audit` and the tests, never by the sandboxed child."""

from __future__ import annotations

from grader.exercises.variants import Variant

CORRECT = [
    Variant("fit_with_train_epoch", """
def fit(model, train_loader, held_out_loader, epochs, lr, momentum=0.9):
    loss_fn = CrossEntropyLoss()
    optimizer = SGD(model.parameters(), lr=lr, momentum=momentum)
    history = {"train_loss": [], "train_accuracy": [], "held_out_loss": [], "held_out_accuracy": []}
    for epoch in range(epochs):
        loss, accuracy = train_epoch(model, train_loader, loss_fn, optimizer)
        history["train_loss"].append(loss)
        history["train_accuracy"].append(accuracy)
        loss, accuracy = train_epoch(model, held_out_loader, loss_fn)
        history["held_out_loss"].append(loss)
        history["held_out_accuracy"].append(accuracy)
    return history
"""),
    Variant("fit_torch_optimizer_and_defaultdict", """
from collections import defaultdict


def fit(model, train_loader, held_out_loader, epochs, lr, momentum=0.9):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    loss_fn = nn.CrossEntropyLoss()
    history = defaultdict(list)
    for _ in range(epochs):
        for part, loader, opt in (("train", train_loader, optimizer), ("held_out", held_out_loader, None)):
            loss, accuracy = train_epoch(model, loader, loss_fn, opt)
            history[part + "_loss"].append(float(loss))
            history[part + "_accuracy"].append(float(accuracy))
    return dict(history)
"""),
    Variant("fit_inline_loop", """
def fit(model, train_loader, held_out_loader, epochs, lr, momentum=0.9):
    opt = SGD(model.parameters(), lr, momentum)
    criterion = CrossEntropyLoss()
    keys = ("train_loss", "train_accuracy", "held_out_loss", "held_out_accuracy")
    history = {k: [] for k in keys}
    for _ in range(epochs):
        model.train()
        total, right, n = 0.0, 0, 0
        for x, y in train_loader:
            out = model(x)
            loss = criterion(out, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(y)
            right += (out.argmax(1) == y).sum().item()
            n += len(y)
        history["train_loss"].append(total / n)
        history["train_accuracy"].append(right / n)
        h_loss, h_acc = train_epoch(model, held_out_loader, criterion)
        history["held_out_loss"].append(h_loss)
        history["held_out_accuracy"].append(h_acc)
    return history
"""),
]

_BODY = CORRECT[0].source

MISTAKES = [
    Variant("fit_evaluates_before_training", """
def fit(model, train_loader, held_out_loader, epochs, lr, momentum=0.9):
    loss_fn = CrossEntropyLoss()
    optimizer = SGD(model.parameters(), lr=lr, momentum=momentum)
    history = {"train_loss": [], "train_accuracy": [], "held_out_loss": [], "held_out_accuracy": []}
    for epoch in range(epochs):
        loss, accuracy = train_epoch(model, held_out_loader, loss_fn)
        history["held_out_loss"].append(loss)
        history["held_out_accuracy"].append(accuracy)
        loss, accuracy = train_epoch(model, train_loader, loss_fn, optimizer)
        history["train_loss"].append(loss)
        history["train_accuracy"].append(accuracy)
    return history
""", expect="before training"),
    Variant("fit_trains_on_held_out", _BODY.replace("train_epoch(model, held_out_loader, loss_fn)", "train_epoch(model, held_out_loader, loss_fn, optimizer)"),
            expect="trains on the held-out digits"),
    Variant("fit_ignores_momentum", _BODY.replace("SGD(model.parameters(), lr=lr, momentum=momentum)", "SGD(model.parameters(), lr=lr)"),
            expect="ignores momentum"),
    Variant("fit_optimizer_every_epoch", """
def fit(model, train_loader, held_out_loader, epochs, lr, momentum=0.9):
    loss_fn = CrossEntropyLoss()
    history = {"train_loss": [], "train_accuracy": [], "held_out_loss": [], "held_out_accuracy": []}
    for epoch in range(epochs):
        optimizer = SGD(model.parameters(), lr=lr, momentum=momentum)
        loss, accuracy = train_epoch(model, train_loader, loss_fn, optimizer)
        history["train_loss"].append(loss)
        history["train_accuracy"].append(accuracy)
        loss, accuracy = train_epoch(model, held_out_loader, loss_fn)
        history["held_out_loss"].append(loss)
        history["held_out_accuracy"].append(accuracy)
    return history
""", expect="new optimizer every epoch"),
    Variant("fit_one_epoch_short", _BODY.replace("range(epochs)", "range(epochs - 1)"), expect="for 3 epochs"),
    Variant("fit_returns_last_numbers", _BODY.replace("    return history", "    return {k: v[-1] for k, v in history.items()}"),
            expect="no list under"),
    Variant("fit_returns_a_tuple", _BODY.replace("    return history", "    return history, model"), expect="returned a tuple"),
]
