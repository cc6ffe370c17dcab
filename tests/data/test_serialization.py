"""ember.save / ember.load: round trips, safety, atomic writes, clear errors."""

import collections
import io
import os

import numpy as np
import pytest
import torch

import ember


def test_round_trip_of_nested_state(tmp_path):
    w = ember.randn(3, 2)
    state = collections.OrderedDict([("weight", w), ("bias", ember.zeros(2)),
                                     ("count", ember.tensor(7)), ("mask", ember.tensor([True]))])
    obj = {"model": state, "epoch": 3, "lr": 0.1, "best": float("inf"), "name": "mlp",
           "betas": (0.9, 0.999), "history": [1.5, None, False], 4: "int key", "alias": w,
           "scalar": ember.tensor(2.5, dtype=ember.float64),
           "param": ember.ones(2, requires_grad=True)}
    path = tmp_path / "checkpoint.pt"
    ember.save(obj, path)
    back = ember.load(path)
    assert type(back["model"]) is collections.OrderedDict
    assert list(back["model"]) == ["weight", "bias", "count", "mask"]
    for key, value in state.items():
        assert back["model"][key].dtype is value.dtype and back["model"][key].shape == value.shape
        np.testing.assert_array_equal(back["model"][key].numpy(), value.numpy())
    assert back["alias"] is back["model"]["weight"]  # one tensor saved once
    assert back["scalar"].shape == () and back["scalar"].item() == 2.5
    assert back["param"].requires_grad and not back["model"]["weight"].requires_grad
    assert {k: back[k] for k in ("epoch", "lr", "best", "name", "betas", "history", 4)} == {
        "epoch": 3, "lr": 0.1, "best": float("inf"), "name": "mlp", "betas": (0.9, 0.999),
        "history": [1.5, None, False], 4: "int key"}


def test_optimizer_state_round_trip(tmp_path):
    w = ember.ones(3, requires_grad=True)
    opt = ember.optim.Adam([w], lr=0.1, amsgrad=True)
    for _ in range(2):
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
    ember.save(opt.state_dict(), tmp_path / "opt.pt")
    w2 = w.detach().clone().requires_grad_()
    opt2 = ember.optim.Adam([w2], lr=0.5, amsgrad=True)
    opt2.load_state_dict(ember.load(tmp_path / "opt.pt"))
    for o, p in ((opt, w), (opt2, w2)):
        o.zero_grad()
        (p * p).sum().backward()
        o.step()
    assert w2.tolist() == w.tolist()
    assert opt2.state[w2]["step"].shape == () and opt2.state[w2]["step"].item() == 3


def test_file_objects_and_tensors():
    buffer = io.BytesIO()
    ember.save(ember.arange(5), buffer)
    buffer.seek(0)
    assert ember.load(buffer).tolist() == [0, 1, 2, 3, 4]


def test_nothing_is_pickled(tmp_path):
    class Thing:
        pass

    with pytest.raises(TypeError, match="cannot store objects of type Thing"):
        ember.save({"thing": Thing()}, tmp_path / "x.pt")
    assert os.listdir(tmp_path) == []  # no file, not even a temporary one
    # a file written by torch.save (a pickle inside a zip) is refused, not unpickled
    torch.save({"w": torch.ones(2)}, tmp_path / "torch.pt")
    with pytest.raises(RuntimeError, match="not .*ember checkpoint"):
        ember.load(tmp_path / "torch.pt")


@pytest.mark.parametrize("damage", ["truncate", "foreign", "empty"])
def test_damaged_files_give_clear_errors(tmp_path, damage):
    path = tmp_path / "model.pt"
    ember.save({"w": ember.randn(100, 100), "b": ember.zeros(100)}, path)
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[:len(data) // 2])
    elif damage == "foreign":
        path.write_text("weights = [1, 2, 3]\n")
    else:
        path.write_bytes(b"")
    with pytest.raises(RuntimeError, match="ember checkpoint"):
        ember.load(path)


def test_save_replaces_atomically(tmp_path, monkeypatch):
    path = tmp_path / "model.pt"
    ember.save({"v": ember.tensor([1.0])}, path)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # dies while writing

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(KeyboardInterrupt):
        ember.save({"v": ember.tensor([2.0])}, path)
    monkeypatch.undo()
    assert ember.load(path)["v"].tolist() == [1.0]  # the old file is intact
    assert os.listdir(tmp_path) == ["model.pt"]


def test_model_and_optimizer_checkpoint(tmp_path):
    nn = ember.nn
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    optimizer = ember.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = ember.randn(5, 4)
    model(x).sum().backward()
    optimizer.step()
    ember.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()},
               tmp_path / "ckpt.pt")
    checkpoint = ember.load(tmp_path / "ckpt.pt")
    clone = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    clone.load_state_dict(checkpoint["model"])
    clone_optimizer = ember.optim.SGD(clone.parameters(), lr=0.5)
    clone_optimizer.load_state_dict(checkpoint["optimizer"])
    assert clone_optimizer.param_groups[0]["momentum"] == 0.9
    np.testing.assert_array_equal(clone(x).detach().numpy(), model(x).detach().numpy())
    for a, b in zip(model.state_dict().values(), checkpoint["model"].values()):
        assert a is not b
    assert list(checkpoint["model"]) == list(model.state_dict())
