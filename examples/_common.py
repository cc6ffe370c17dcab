"""Small helpers shared by the example programs: output folder, progress bar, optional plots."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO / "src") not in sys.path:  # run from a checkout without installing ember
    sys.path.insert(0, str(REPO / "src"))


def runs_folder(name: str) -> Path:
    """``runs/<name>`` in the repository (git-ignored), or under $EMBER_RUNS when set."""
    base = Path(os.environ.get("EMBER_RUNS", REPO / "runs"))
    folder = base / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class progress:
    """Iterate with a tqdm progress bar when tqdm is installed, else with a plain printed line
    every fifth of the way; ``report(step, loss)`` shows the running mean loss."""

    def __init__(self, iterable, total, desc=""):
        self.total, self.desc = total, desc
        try:
            from tqdm import tqdm
        except ImportError:
            self.bar = None
            self.iterable = iterable
        else:
            self.bar = self.iterable = tqdm(iterable, total=total, desc=desc, leave=False,
                                            dynamic_ncols=True)

    def __iter__(self):
        return iter(self.iterable)

    def report(self, step, mean_loss):
        if self.bar is not None:
            if step % 10 == 0:
                self.bar.set_postfix(loss=f"{mean_loss:.4f}")
        elif step % max(1, self.total // 5) == 0 and step != self.total:
            print(f"  {self.desc} [{step}/{self.total}] loss {mean_loss:.4f}", flush=True)


def pyplot():
    """matplotlib.pyplot with a file-only backend, or None when matplotlib is absent."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
