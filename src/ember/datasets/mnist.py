"""MNIST and Fashion-MNIST from the standard IDX files (gzipped), checked by MD5.

The repository carries MNIST under ``data/mnist`` (CC BY-SA 3.0), which is the default place
to look. Missing files are downloaded from the standard mirrors when a network is reachable;
otherwise the error names the folder and the files expected.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from functools import lru_cache
from pathlib import Path

import numpy as np

from .._creation import from_numpy
from ..utils.data import Dataset
from .transforms import Compose, Normalize, ToTensor, _batch

__all__ = ["MNIST", "FashionMNIST", "default_root", "read_idx"]

_REPO_DATA = Path(__file__).resolve().parents[3] / "data"


def default_root() -> Path:
    """The repository's ``data/`` folder when ember runs from a checkout, else
    ``$EMBER_DATA`` or ``~/.cache/ember/data``."""
    if "EMBER_DATA" in os.environ:
        return Path(os.environ["EMBER_DATA"])
    if _REPO_DATA.is_dir():
        return _REPO_DATA
    return Path.home() / ".cache" / "ember" / "data"


# The IDX header: two zero bytes, a type code (0x08 = unsigned byte), the number of dimensions,
# then one big-endian int32 per dimension.
_UBYTE = 0x08


def read_idx(raw: bytes, name: str = "IDX data") -> np.ndarray:
    """Decode an uncompressed IDX file (unsigned-byte data) into a NumPy array."""
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != _UBYTE:
        raise RuntimeError(f"{name} is not an unsigned-byte IDX file (bad magic number)")
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int(s) for s in np.frombuffer(raw, dtype=">i4", count=ndim, offset=4))
    expected = header + int(np.prod(shape))
    if len(raw) != expected:
        raise RuntimeError(f"{name} is truncated or corrupt: {len(raw)} bytes, expected "
                           f"{expected} for shape {shape}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


@lru_cache(maxsize=8)
def _load_file(path: str, mtime: float, gz_md5: str, raw_md5: str | None) -> np.ndarray:
    """Read, verify and decode one .gz IDX file (cached per path and modification time)."""
    compressed = Path(path).read_bytes()
    try:
        raw = gzip.decompress(compressed)
    except (OSError, EOFError) as error:
        raise RuntimeError(f"{path} is not a valid gzip file ({error}); delete it and retry") \
            from None
    if _md5(compressed) != gz_md5 and (raw_md5 is None or _md5(raw) != raw_md5):
        raise RuntimeError(f"{path} failed its MD5 check (expected {raw_md5 or gz_md5}); the "
                           "file is corrupt or not the expected one: delete it and retry")
    array = read_idx(raw, path)
    array.flags.writeable = False
    return array


class MNIST(Dataset):
    """The MNIST handwritten digits: 60,000 training and 10,000 test images, 28 x 28, uint8.

    ``data`` (uint8, N x 28 x 28) and ``targets`` (int64, N) hold the whole set. A sample is
    ``(image, label)``: the uint8 28 x 28 image through ``transform`` (for example
    :attr:`MNIST.normalize`, which gives float32 1 x 28 x 28 tensors with the usual mean and
    standard deviation) and the int label through ``target_transform``.

    >>> import ember
    >>> from ember.datasets import MNIST
    >>> test = MNIST(train=False, transform=MNIST.normalize)
    >>> image, label = test[0]
    >>> image.shape, image.dtype, label, test.data.shape
    (torch.Size([1, 28, 28]), torch.float32, 7, torch.Size([10000, 28, 28]))
    """

    folder = "mnist"
    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/",
               "http://yann.lecun.com/exdb/mnist/"]
    # (file, MD5 of the .gz on the mirrors, MD5 of the uncompressed file). Either one matching
    # accepts the file, so a recompressed copy of the right data passes too.
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873",
         "6bbc9ace898e44ae57da46a324031adb"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432",
         "a25bea736e30d166cdddb491f175f624"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3",
         "2646ac647ad5339dbf082846283269ea"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c",
         "27ae3e4e09519cfbb04c329615203637"),
    ]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
               "6 - six", "7 - seven", "8 - eight", "9 - nine"]
    mean, std = (0.1307,), (0.3081,)

    def __init__(self, root=None, train=True, transform=None, target_transform=None,
                 download=True):
        self.root = Path(default_root() if root is None else root)
        self.train = train
        self.transform = transform
        self.target_transform = target_transform
        prefix = "train" if train else "t10k"
        folder = self._find_folder()
        if folder is None:
            if not download:
                raise RuntimeError(self._missing_message("download=False"))
            folder = self._download()
        images, labels = (r for r in self.resources if r[0].startswith(prefix))
        self.raw_folder = folder
        data = self._load(folder, images)
        targets = self._load(folder, labels)
        if len(data) != len(targets):
            raise RuntimeError(f"{folder}: {len(data)} images but {len(targets)} labels")
        self.data = from_numpy(data)
        self.targets = from_numpy(targets.astype(np.int64))

    # --- files --------------------------------------------------------------------------------
    def _candidates(self):
        # ours (root/mnist), torchvision's layout (root/MNIST/raw), or the root itself
        return [self.root / self.folder, self.root / type(self).__name__ / "raw", self.root]

    def _find_folder(self):
        for folder in self._candidates():
            if all((folder / name).is_file() for name, *_ in self.resources):
                return folder
        return None

    def _missing_message(self, why):
        names = ", ".join(name for name, *_ in self.resources)
        return (f"{type(self).__name__}: the files {names} were not found in "
                f"{self.root / self.folder} and could not be downloaded ({why}). Put the "
                "four gzipped IDX files in that folder, or pass root= to where they are.")

    def _load(self, folder, resource):
        name, gz_md5, raw_md5 = resource
        path = folder / name
        return _load_file(str(path), path.stat().st_mtime, gz_md5, raw_md5)

    def _download(self):
        folder = self.root / self.folder
        folder.mkdir(parents=True, exist_ok=True)
        for name, gz_md5, raw_md5 in self.resources:
            if (folder / name).is_file():
                continue
            errors = []
            for mirror in self.mirrors:
                try:
                    with urllib.request.urlopen(mirror + name, timeout=30) as response:
                        payload = response.read()
                except (urllib.error.URLError, OSError) as error:
                    errors.append(f"{mirror}: {error}")
                    continue
                if _md5(payload) != gz_md5 and (
                        raw_md5 is None or _md5(gzip.decompress(payload)) != raw_md5):
                    errors.append(f"{mirror}: MD5 mismatch")
                    continue
                _write_atomically(folder / name, payload)
                break
            else:
                raise RuntimeError(self._missing_message("; ".join(errors) or "no mirror"))
        return folder

    # --- samples ------------------------------------------------------------------------------
    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        image, target = self.data[index], int(self.targets[index])
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def _get_batch(self, indices):
        """A collated batch for an index array: whole-tensor indexing, batched transform."""
        if self.target_transform is not None:
            return _per_sample(self, indices)
        images = self.data[indices]
        if self.transform is not None:
            images = _batch(self.transform, images)
        return [images, self.targets[indices]]

    @property
    def class_to_idx(self):
        return {name: i for i, name in enumerate(self.classes)}

    def __repr__(self):
        lines = [f"Dataset {type(self).__name__}", f"    Number of datapoints: {len(self)}",
                 f"    Root location: {self.root}",
                 f"    Split: {'Train' if self.train else 'Test'}"]
        if self.transform is not None:
            lines.append(f"    Transform: {self.transform!r}")
        return "\n".join(lines)


def _per_sample(dataset, indices):
    from ..utils.data import default_collate

    return default_collate([dataset[int(i)] for i in indices])


def _write_atomically(path: Path, payload: bytes):
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: the same format and sizes as MNIST, ten kinds of clothing.
    Not carried in the repository: downloaded into ``<root>/fashion-mnist`` on first use."""

    folder = "fashion-mnist"
    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", None),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe", None),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79", None),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310", None),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]
    mean, std = (0.2860,), (0.3530,)

    def _candidates(self):
        return [self.root / self.folder, self.root / "FashionMNIST" / "raw"]


# The ready transforms: uint8 images to float32 1 x 28 x 28, normalised by the training set's
# mean and standard deviation.
MNIST.normalize = Compose([ToTensor(), Normalize(MNIST.mean, MNIST.std)])
FashionMNIST.normalize = Compose([ToTensor(), Normalize(FashionMNIST.mean, FashionMNIST.std)])
