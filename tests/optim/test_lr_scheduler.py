"""Each scheduler's learning-rate sequence (and momentum, for OneCycleLR) against PyTorch's."""

import math

import numpy as np
import pytest
import torch

import ember
import ember.optim  # noqa: F401
from oracle import expect_error, require_torch

SCHEDULERS = [
    ("StepLR", dict(step_size=3, gamma=0.5), "SGD"),
    ("MultiStepLR", dict(milestones=[2, 5, 5, 9], gamma=0.3), "SGD"),
    ("ExponentialLR", dict(gamma=0.9), "SGD"),
    ("CosineAnnealingLR", dict(T_max=6, eta_min=0.001), "SGD"),  # runs past T_max and back up
    ("LambdaLR", dict(lr_lambda=lambda epoch: 1 / (1 + epoch)), "SGD"),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=16), "SGD"),
    ("OneCycleLR", dict(max_lr=[0.5, 0.2], total_steps=16, anneal_strategy="linear",
                        three_phase=True), "SGD"),
    ("OneCycleLR", dict(max_lr=0.01, epochs=2, steps_per_epoch=8), "Adam"),
]


def sequence(lib, name, options, optimizer):
    w = lib.zeros(2, requires_grad=True)
    b = lib.zeros(1, requires_grad=True)
    extra = {"momentum": 0.9} if optimizer == "SGD" else {}
    opt = getattr(lib.optim, optimizer)([{"params": [w]}, {"params": [b], "lr": 0.3}], lr=0.1,
                                        **extra)
    sched = getattr(lib.optim.lr_scheduler, name)(opt, **options)
    lrs, momenta = [sched.get_last_lr()], []
    for _ in range(15):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr())
        momenta.append([g.get("momentum", g.get("betas", (None,))[0]) for g in opt.param_groups])
    return lrs, momenta


@pytest.mark.parametrize("name,options,optimizer", SCHEDULERS,
                         ids=[f"{s[0]}-{i}" for i, s in enumerate(SCHEDULERS)])
def test_lr_sequence_matches_pytorch(name, options, optimizer):
    ours = sequence(ember, name, options, optimizer)
    theirs = sequence(torch, name, options, optimizer)
    np.testing.assert_allclose(np.array(ours[0], dtype=float), np.array(theirs[0], dtype=float),
                               rtol=1e-12)
    np.testing.assert_allclose(np.array(ours[1], dtype=float), np.array(theirs[1], dtype=float),
                               rtol=1e-12)


@pytest.mark.parametrize("mode,threshold_mode,cooldown,metrics", [
    ("min", "rel", 0, [5, 4, 4, 4, 4, 3.9999, 3, 3, 3, 3, 3, 2, 2, 2, 2]),
    ("max", "abs", 1, [1, 2, 2, 2, 2, 2.5, 2.5, 2.5, 2.5, 2.5, 3, 3, 3, 3, 3]),
])
def test_reduce_lr_on_plateau_matches_pytorch(mode, threshold_mode, cooldown, metrics):
    results = []
    for lib in (ember, torch):
        w = lib.zeros(2, requires_grad=True)
        opt = lib.optim.SGD([w], lr=1.0)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(
            opt, mode=mode, factor=0.5, patience=2, threshold=0.01,
            threshold_mode=threshold_mode, cooldown=cooldown, min_lr=0.1)
        lrs = []
        for m in metrics:
            opt.step()
            sched.step(m)
            lrs.append(sched.get_last_lr()[0])
        results.append(lrs)
    assert results[0] == results[1]
    assert results[0][-1] < 1.0  # the test exercises at least one reduction


def test_closed_form_when_given_an_epoch():
    for lib in (ember, torch):
        opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=1.0)
        sched = lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched.step(5)
        assert sched.get_last_lr()[0] == pytest.approx(0.5 * (1 + math.cos(math.pi / 2)))


def test_state_dict_round_trip():
    opt = ember.optim.SGD([ember.zeros(1, requires_grad=True)], lr=1.0)
    sched = ember.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    for _ in range(3):
        opt.step()
        sched.step()
    state = sched.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 3
    opt2 = ember.optim.SGD([ember.zeros(1, requires_grad=True)], lr=0.5)
    sched2 = ember.optim.lr_scheduler.StepLR(opt2, step_size=99)
    sched2.load_state_dict(state)
    opt2.step()
    sched2.step()
    opt.step()
    sched.step()
    assert sched2.last_epoch == sched.last_epoch == 4


@pytest.mark.parametrize("make,exc,message", [
    (lambda lib, opt: lib.optim.lr_scheduler.StepLR(object(), 2), TypeError,
     "object is not an Optimizer"),
    (lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(opt, 0.1), ValueError,
     "You must define either total_steps OR (epochs AND steps_per_epoch)"),
    (lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(opt, 0.1, total_steps=0), ValueError,
     "Expected positive integer total_steps, but got 0"),
    (lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(opt, 0.1, 10, pct_start=2.0), ValueError,
     "Expected float between 0 and 1 pct_start, but got 2.0"),
    (lambda lib, opt: lib.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=1.0), ValueError,
     "Factor should be < 1.0."),
    (lambda lib, opt: lib.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="up"), ValueError,
     "mode up is unknown!"),
    (lambda lib, opt: lib.optim.lr_scheduler.LambdaLR(opt, [lambda e: 1, lambda e: 1]),
     ValueError, "Expected 1 lr_lambdas, but got 2"),
])
def test_errors_match_pytorch(make, exc, message):
    expect_error(lambda lib: make(lib, lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=1.0)),
                 exc, message)


def test_one_cycle_refuses_to_step_past_the_end():
    def run(lib):
        opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=1.0, momentum=0.9)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, 0.1, total_steps=2)
        for _ in range(3):
            opt.step()
            sched.step()

    expect_error(run, ValueError, "Tried to step 3 times. The specified number of total steps is 2")


def test_lambda_lr_saves_and_restores_callable_objects_as_torch_does():
    torch = require_torch()

    class Decay:
        def __init__(self, k):
            self.k = k

        def __call__(self, epoch):
            return self.k ** epoch

    for lib in (ember, torch):
        opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=1.0)
        saved = lib.optim.lr_scheduler.LambdaLR(opt, [Decay(0.5)]).state_dict()
        plain = lib.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 1.0).state_dict()
        target = Decay(0.1)
        lib.optim.lr_scheduler.LambdaLR(opt, target).load_state_dict(saved)
        result = (saved["lr_lambdas"], plain["lr_lambdas"], target.k)
        if lib is ember:
            mine = result
    assert mine == result == ([{"k": 0.5}], [None], 0.5)
