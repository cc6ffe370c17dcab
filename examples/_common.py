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


def progress(iterable, total=None, desc=""):
    """A tqdm progress bar when tqdm is installed, else the plain iterable."""
    try:
        from tqdm import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, total=total, desc=desc, leave=False, dynamic_ncols=True)


def pyplot():
    """matplotlib.pyplot with a file-only backend, or None when matplotlib is absent."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
