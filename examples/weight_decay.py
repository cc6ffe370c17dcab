"""Weight decay against overfitting: a high-dimensional linear regression with 20 examples.

    python examples/weight_decay.py [--epochs 100]

Data: y = 0.05 + sum_i 0.01 x_i + noise (std 0.01) with 200 inputs, 20 training and 100 test
examples. A Linear(200, 1) model is trained with SGD (lr 0.003, batches of 5) for 100 epochs,
weight decay applied to the weight only, through parameter groups:
``SGD([{'params': net.weight, 'weight_decay': wd}, {'params': net.bias}], lr=lr)``.
Without decay (wd = 0) the model memorises the training set; with wd = 3 the weight's L2 norm
stays small and the test loss drops. Loss curves (log scale) go to runs/weight_decay/ when
matplotlib is installed.
"""

from __future__ import annotations

import argparse

from _common import pyplot, runs_folder

import ember as torch
from ember import nn
from ember.utils.data import DataLoader, TensorDataset

N_TRAIN, N_TEST, NUM_INPUTS, BATCH_SIZE = 20, 100, 200, 5


def synthetic_data(w, b, num_examples):
    """y = Xw + b + noise."""
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


def evaluate_loss(net, loader, loss):
    with torch.no_grad():
        total = count = 0.0
        for X, y in loader:
            total += loss(net(X), y).sum().item()
            count += y.numel()
    return total / count


def train(wd, train_iter, test_iter, epochs=100, lr=0.003):
    net = nn.Linear(NUM_INPUTS, 1)
    with torch.no_grad():
        for param in net.parameters():
            param.copy_(torch.randn(param.shape))
    loss = nn.MSELoss(reduction="none")
    # the bias is not decayed: two parameter groups
    trainer = torch.optim.SGD([{"params": net.weight, "weight_decay": wd},
                               {"params": net.bias}], lr=lr)
    history = []
    for epoch in range(epochs):
        for X, y in train_iter:
            trainer.zero_grad()
            loss(net(X), y).mean().backward()
            trainer.step()
        if (epoch + 1) % 5 == 0:
            history.append((epoch + 1, evaluate_loss(net, train_iter, loss),
                            evaluate_loss(net, test_iter, loss)))
    with torch.no_grad():  # the L2 norm of the weight (the notes' net[0].weight.norm())
        norm = (net.weight * net.weight).sum().sqrt().item()
    return norm, history


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    torch.manual_seed(args.seed)
    true_w, true_b = torch.ones((NUM_INPUTS, 1)) * 0.01, 0.05
    train_data = TensorDataset(*synthetic_data(true_w, true_b, N_TRAIN))
    test_data = TensorDataset(*synthetic_data(true_w, true_b, N_TEST))
    train_iter = DataLoader(train_data, BATCH_SIZE, shuffle=True)
    test_iter = DataLoader(test_data, BATCH_SIZE)
    results = {}
    plt = pyplot()
    for wd in (0, 3):
        norm, history = train(wd, train_iter, test_iter, epochs=args.epochs)
        _, train_loss, test_loss = history[-1] if history else (0, float("nan"), float("nan"))
        print(f"wd = {wd}: L2 norm of w: {norm:.4f}; train loss {train_loss:.3g}, "
              f"test loss {test_loss:.3g}")
        results[wd] = {"norm": norm, "train_loss": train_loss, "test_loss": test_loss}
        if plt is not None and history:
            fig, ax = plt.subplots(figsize=(5, 3.5))
            epochs, train_losses, test_losses = zip(*history)
            ax.plot(epochs, train_losses, label="train")
            ax.plot(epochs, test_losses, "--", label="test")
            ax.set(xlabel="epochs", ylabel="loss", yscale="log", xlim=(5, args.epochs),
                   title=f"weight decay {wd}")
            ax.legend()
            fig.tight_layout()
            path = runs_folder("weight_decay") / f"loss_wd{wd}.png"
            fig.savefig(path, dpi=120)
            print(f"saved {path}")
    return results


if __name__ == "__main__":
    main()
