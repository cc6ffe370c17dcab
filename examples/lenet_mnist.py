"""A LeNet-style convolutional network on MNIST: >= 98.5% test accuracy in 2 epochs.

    python examples/lenet_mnist.py            # 2 epochs
    python examples/lenet_mnist.py --eval     # reload runs/lenet_mnist/checkpoint.pt
    python examples/lenet_mnist.py --quick    # a few batches only (used by the tests)

Two 5x5 convolutions (6 and 16 channels, ReLU, 2x2 max pooling) and three linear layers
(400-120-84-10), trained with Adam (lr 0.002, batches of 64) and a cosine learning-rate
schedule.
"""

from __future__ import annotations

import argparse
import time

from _common import progress, pyplot, runs_folder

import ember as torch
from ember import nn
from ember.datasets import MNIST
from ember.utils.data import DataLoader, Subset


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    )


def evaluate(model, loader):
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
        train_set = Subset(train_set, range(args.batch_size * 10))
        test_set = Subset(test_set, range(500))
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True,
                              generator=torch.Generator().manual_seed(args.seed))
    test_loader = DataLoader(test_set, batch_size=500)
    model = lenet()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
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
    torch.save({"model": model.state_dict(), "epochs": args.epochs,
                "test_accuracy": accuracy}, out / "checkpoint.pt")
    print(f"saved {out / 'checkpoint.pt'}")
    plt = pyplot()
    if plt is not None:
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.plot(losses, linewidth=0.6)
        ax.set(xlabel="step", ylabel="training loss", yscale="log", title="LeNet on MNIST")
        fig.tight_layout()
        fig.savefig(out / "loss.png", dpi=120)
    return accuracy


def evaluate_checkpoint(args, out):
    checkpoint = torch.load(out / "checkpoint.pt")
    model = lenet()
    model.load_state_dict(checkpoint["model"])
    test_set = MNIST(train=False, transform=MNIST.normalize)
    if args.quick:
        test_set = Subset(test_set, range(500))
    accuracy = evaluate(model, DataLoader(test_set, batch_size=500))
    print(f"checkpoint after {checkpoint['epochs']} epochs: test accuracy {accuracy:.2%}")
    return accuracy


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.002)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--eval", action="store_true", help="evaluate the saved checkpoint")
    parser.add_argument("--quick", action="store_true",
                        help="one epoch of 10 batches and 500 test images (a smoke test)")
    args = parser.parse_args(argv)
    if args.quick and args.epochs == parser.get_default("epochs"):
        args.epochs = 1
    out = runs_folder("lenet_mnist")
    return evaluate_checkpoint(args, out) if args.eval else train(args, out)


if __name__ == "__main__":
    main()
