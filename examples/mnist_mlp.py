"""Train a multilayer perceptron on MNIST with ember, PyTorch-style.

    python examples/mnist_mlp.py            # 3 epochs: >= 97.5% test accuracy
    python examples/mnist_mlp.py --eval     # reload runs/mnist_mlp/checkpoint.pt and evaluate
    python examples/mnist_mlp.py --quick    # a few batches only (used by the tests)

The network is 784-512-256-10 with ReLU, trained with SGD (momentum 0.9) under a cosine
learning-rate schedule and cross-entropy loss. Each epoch prints the mean training loss and the
test accuracy; at the end the loss curve goes to runs/mnist_mlp/loss.png (when matplotlib is
installed) and the weights and optimizer state to runs/mnist_mlp/checkpoint.pt.
"""

from __future__ import annotations

import argparse
import time

from _common import progress, pyplot, runs_folder

import ember as torch
from ember import nn
from ember.datasets import MNIST
from ember.utils.data import DataLoader, Subset


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.layers = nn.Sequential(
            nn.Linear(28 * 28, 512), nn.ReLU(),
            nn.Linear(512, 256), nn.ReLU(),
            nn.Linear(256, 10),
        )

    def forward(self, x):
        return self.layers(self.flatten(x))


def evaluate(model, loader):
    """Test accuracy (fraction of correct predictions)."""
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for images, labels in loader:
            correct += (model(images).argmax(dim=1) == labels).sum().item()
            total += len(labels)
    return correct / total


def train(args, out):
    torch.manual_seed(args.seed)
    train_set = MNIST(train=True, transform=MNIST.normalize)
    test_set = MNIST(train=False, transform=MNIST.normalize)
    if args.quick:
        train_set = Subset(train_set, range(args.batch_size * 30))
        test_set = Subset(test_set, range(1000))
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True,
                              generator=torch.Generator().manual_seed(args.seed))
    test_loader = DataLoader(test_set, batch_size=1000)

    model = MLP()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
        optimizer, T_max=args.epochs * len(train_loader))
    loss_fn = nn.CrossEntropyLoss()
    print(model)

    losses, accuracy = [], 0.0
    for epoch in range(1, args.epochs + 1):
        model.train()
        start, running = time.perf_counter(), 0.0
        bar = progress(train_loader, total=len(train_loader), desc=f"epoch {epoch}")
        for step, (images, labels) in enumerate(bar, 1):
            optimizer.zero_grad()
            loss = loss_fn(model(images), labels)
            loss.backward()
            optimizer.step()
            scheduler.step()
            losses.append(loss.item())
            running += losses[-1]
            bar.report(step, running / step)
        accuracy = evaluate(model, test_loader)
        print(f"epoch {epoch}: train loss {running / len(train_loader):.4f}, "
              f"test accuracy {accuracy:.2%} ({time.perf_counter() - start:.1f} s)")

    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "epochs": args.epochs, "test_accuracy": accuracy}, out / "checkpoint.pt")
    print(f"saved {out / 'checkpoint.pt'}")
    plt = pyplot()
    if plt is not None:
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.plot(losses, linewidth=0.6)
        ax.set(xlabel="step", ylabel="training loss", yscale="log", title="MLP on MNIST")
        fig.tight_layout()
        fig.savefig(out / "loss.png", dpi=120)
        print(f"saved {out / 'loss.png'}")
    return accuracy


def evaluate_checkpoint(args, out):
    checkpoint = torch.load(out / "checkpoint.pt")
    model = MLP()
    model.load_state_dict(checkpoint["model"])
    test_set = MNIST(train=False, transform=MNIST.normalize)
    if args.quick:
        test_set = Subset(test_set, range(1000))
    accuracy = evaluate(model, DataLoader(test_set, batch_size=1000))
    print(f"checkpoint after {checkpoint['epochs']} epochs: test accuracy {accuracy:.2%}")
    return accuracy


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--eval", action="store_true", help="evaluate the saved checkpoint")
    parser.add_argument("--quick", action="store_true",
                        help="one epoch of 30 batches and 1000 test images (a smoke test)")
    args = parser.parse_args(argv)
    if args.quick and args.epochs == parser.get_default("epochs"):
        args.epochs = 1
    out = runs_folder("mnist_mlp")
    return evaluate_checkpoint(args, out) if args.eval else train(args, out)


if __name__ == "__main__":
    main()
