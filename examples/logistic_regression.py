"""Logistic regression on two Gaussian clusters: the learner notes' first whole program.

    python examples/logistic_regression.py

Two classes of 100 points each, drawn around (1.7 + 1, 1.7 + 1) and (-1.7 + 1, -1.7 + 1), are
separated by a Linear(2, 1) + Sigmoid model trained with BCELoss and SGD (lr 0.01, momentum
0.9) until the training accuracy passes 99%. The model is built twice, once as an nn.Module
subclass and once as an nn.Sequential, and both are trained. With matplotlib installed the
points and the learned decision boundary go to runs/logistic_regression/decision_boundary.png.
"""

from __future__ import annotations

import argparse

import numpy as np
from _common import pyplot, runs_folder

import ember as torch
from ember import nn


def make_data(sample_nums=100, mean_value=1.7, bias=1.0):
    n_data = torch.ones(sample_nums, 2)
    x0 = torch.normal(mean_value * n_data, 1) + bias  # class 0
    y0 = torch.zeros(sample_nums)
    x1 = torch.normal(-mean_value * n_data, 1) + bias  # class 1
    y1 = torch.ones(sample_nums)
    return x0, x1, torch.cat([x0, x1], 0), torch.cat([y0, y1], 0)


class LR(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Linear(2, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        return self.sigmoid(self.features(x))


def train(model, train_x, train_y, max_iterations=1000):
    """Full-batch training until accuracy > 0.99; returns (iterations, loss, accuracy)."""
    loss_fn = nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    acc = 0.0
    for iteration in range(max_iterations):
        y_pred = model(train_x)
        loss = loss_fn(y_pred.squeeze(), train_y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        mask = y_pred.ge(0.5).float().squeeze()
        acc = (mask == train_y).sum().item() / train_y.size(0)
        if iteration % 20 == 0:
            print(f"  iteration {iteration:4d}: loss {loss.item():.4f}, accuracy {acc:.2%}")
        if acc > 0.99:
            break
    return iteration, loss.item(), acc


def plot(x0, x1, linear, title, path):
    plt = pyplot()
    if plt is None:
        print("matplotlib is not installed: no plot")
        return
    w0, w1 = (float(v) for v in linear.weight[0].tolist())
    b = float(linear.bias[0].item())
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.scatter(x0.numpy()[:, 0], x0.numpy()[:, 1], c="r", s=12, label="class 0")
    ax.scatter(x1.numpy()[:, 0], x1.numpy()[:, 1], c="b", s=12, label="class 1")
    xs = np.arange(-6, 6, 0.1)
    ax.plot(xs, (-w0 * xs - b) / w1, "k", label="decision boundary")
    ax.set(xlim=(-5, 7), ylim=(-7, 7), title=f"{title}\nw0:{w0:.2f} w1:{w1:.2f} b:{b:.2f}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"saved {path}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args(argv)
    torch.manual_seed(args.seed)
    x0, x1, train_x, train_y = make_data()
    results = {}
    for name, model in [("nn.Module", LR()),
                        ("nn.Sequential", nn.Sequential(nn.Linear(2, 1), nn.Sigmoid()))]:
        print(f"{name}:")
        iterations, loss, acc = train(model, train_x, train_y)
        print(f"  done after {iterations + 1} iterations: loss {loss:.4f}, accuracy {acc:.2%}")
        results[name] = acc
    linear = model[0]
    plot(x0, x1, linear, "logistic regression (nn.Sequential)",
         runs_folder("logistic_regression") / "decision_boundary.png")
    return results


if __name__ == "__main__":
    main()
