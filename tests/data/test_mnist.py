"""MNIST from the repository's IDX files: shapes, dtypes, checksums, transforms, errors."""

import gzip
import io
import shutil
import urllib.error

import numpy as np
import pytest

import ember
from ember.datasets import MNIST, FashionMNIST, read_idx
from ember.datasets import mnist as mnist_module
from ember.datasets.transforms import Compose, Normalize, ToTensor
from ember.utils.data import DataLoader

# Label counts of the training set, from data/mnist/README.md.
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


@pytest.fixture(scope="module")
def train():
    return MNIST(train=True)


def test_train_and_test_sets(train):
    test = MNIST(train=False)
    assert train.data.shape == (60000, 28, 28) and train.data.dtype is ember.uint8
    assert train.targets.shape == (60000,) and train.targets.dtype is ember.int64
    assert test.data.shape == (10000, 28, 28) and len(test) == 10000
    assert np.bincount(train.targets.numpy()).tolist() == TRAIN_COUNTS
    image, label = train[0]
    assert image.dtype is ember.uint8 and image.shape == (28, 28) and isinstance(label, int)
    assert label == 5 and test[0][1] == 7  # the well-known first digits
    assert int(train.data.numpy().max()) == 255


def test_normalize_transform_gives_standardised_floats(train):
    ds = MNIST(train=True, transform=MNIST.normalize)
    image, _ = ds[0]
    assert image.shape == (1, 28, 28) and image.dtype is ember.float32
    raw = train.data.numpy()[0].astype(np.float32) / 255
    np.testing.assert_allclose(image.numpy()[0], (raw - 0.1307) / 0.3081, rtol=1e-6)
    # the constants are the training set's: on the test set the mean and std are near 0 and 1
    x, _ = next(iter(DataLoader(MNIST(train=False, transform=MNIST.normalize),
                                batch_size=10000)))
    assert abs(x.numpy().mean()) < 0.02 and abs(x.numpy().std() - 1) < 0.02


def test_loader_batches_equal_per_sample_transform():
    ds = MNIST(train=False, transform=MNIST.normalize)
    images, labels = next(iter(DataLoader(ds, batch_size=7, shuffle=True,
                                          generator=ember.Generator().manual_seed(1))))
    assert images.shape == (7, 1, 28, 28) and labels.dtype is ember.int64
    # recover which samples were taken, then compare with the one-by-one path
    order = list(ember.utils.data.RandomSampler(ds, generator=ember.Generator().manual_seed(1)))
    for k, i in enumerate(order[:7]):
        image, label = ds[i]
        np.testing.assert_array_equal(images.numpy()[k], image.numpy())
        assert labels[k].item() == label
    # a target_transform goes through the per-sample path
    ds.target_transform = lambda y: y * 10
    _, tens = next(iter(DataLoader(ds, batch_size=3)))
    assert tens.tolist() == [70, 20, 10]


def test_transforms_on_samples_and_batches():
    t = Compose([ToTensor(), Normalize((0.5,), (0.25,))])
    image = ember.tensor([[0, 255], [51, 102]], dtype=ember.uint8)
    np.testing.assert_allclose(t(image).numpy(), [[[-2.0, 2.0], [-1.2, -0.4]]], rtol=1e-6)
    batch = t.batch(ember.stack([image, image]))
    assert batch.shape == (2, 1, 2, 2)
    rgb = ember.zeros(4, 5, 3, dtype=ember.uint8)
    assert ToTensor()(rgb).shape == (3, 4, 5)


def copy_files(tmp_path, folder="mnist"):
    target = tmp_path / folder
    target.mkdir()
    for name, *_ in MNIST.resources:
        shutil.copy(mnist_module.default_root() / "mnist" / name, target / name)
    return target


def test_md5_check_rejects_a_corrupt_file(tmp_path):
    folder = copy_files(tmp_path)
    name = "t10k-labels-idx1-ubyte.gz"
    raw = bytearray(gzip.decompress((folder / name).read_bytes()))
    raw[100] ^= 1  # one label changed: still a valid IDX file, but not MNIST
    (folder / name).write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(RuntimeError, match="failed its MD5 check"):
        MNIST(root=tmp_path, train=False)
    assert len(MNIST(root=tmp_path, train=True)) == 60000  # the training files are fine


def test_missing_files_error_names_the_folder_and_files(tmp_path, monkeypatch):
    def offline(url, timeout=None):
        raise urllib.error.URLError("network is unreachable")

    monkeypatch.setattr(mnist_module.urllib.request, "urlopen", offline)
    for kwargs in ({}, {"download": False}):
        with pytest.raises(RuntimeError) as info:
            MNIST(root=tmp_path, **kwargs)
        message = str(info.value)
        assert str(tmp_path / "mnist") in message and "train-images-idx3-ubyte.gz" in message
        assert "t10k-labels-idx1-ubyte.gz" in message


def test_download_from_a_mirror(tmp_path, monkeypatch):
    source = mnist_module.default_root() / "mnist"
    requested = []

    def fake_urlopen(url, timeout=None):
        requested.append(url)
        if url.startswith(MNIST.mirrors[0]):
            raise urllib.error.URLError("first mirror down")
        return io.BytesIO((source / url.rsplit("/", 1)[1]).read_bytes())

    monkeypatch.setattr(mnist_module.urllib.request, "urlopen", fake_urlopen)
    ds = MNIST(root=tmp_path, train=False)
    assert len(ds) == 10000 and len(requested) == 8
    assert sorted(p.name for p in (tmp_path / "mnist").iterdir()) == sorted(
        name for name, *_ in MNIST.resources)  # no temporary files left behind


def test_read_idx_errors():
    with pytest.raises(RuntimeError, match="bad magic number"):
        read_idx(b"\x00\x00\x0d\x01\x00\x00\x00\x01\x00")
    with pytest.raises(RuntimeError, match="truncated"):
        read_idx(b"\x00\x00\x08\x01\x00\x00\x00\x05\x01\x02")
    assert read_idx(b"\x00\x00\x08\x02\x00\x00\x00\x01\x00\x00\x00\x02\x07\x09").tolist() == [
        [7, 9]]


def test_fashion_mnist_needs_its_own_files(tmp_path, monkeypatch):
    monkeypatch.setattr(mnist_module.urllib.request, "urlopen",
                        lambda url, timeout=None: (_ for _ in ()).throw(
                            urllib.error.URLError("offline")))
    with pytest.raises(RuntimeError, match="fashion-mnist"):
        FashionMNIST(root=tmp_path)
    assert FashionMNIST.classes[9] == "Ankle boot"
