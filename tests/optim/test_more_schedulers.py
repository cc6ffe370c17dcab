"""MultiplicativeLR, PolynomialLR, CosineAnnealingWarmRestarts, CyclicLR, SequentialLR,
ChainedScheduler and swa_utils (SWALR, AveragedModel, update_bn) against PyTorch."""

import warnings

import numpy as np
import pytest

import ember
import ember.optim  # noqa: F401
from oracle import expect_error, require_torch


@pytest.fixture
def torch_lib():
    return require_torch()


def make_optimizer(lib, optimizer="SGD"):
    w = lib.zeros(2, requires_grad=True)
    b = lib.zeros(1, requires_grad=True)
    extra = {"momentum": 0.9} if optimizer == "SGD" else {}
    return getattr(lib.optim, optimizer)([{"params": [w]}, {"params": [b], "lr": 0.3}],
                                         lr=0.1, **extra)


def sched(lib, name, opt, **options):
    module = lib.optim.swa_utils if name == "SWALR" else lib.optim.lr_scheduler
    return getattr(module, name)(opt, **options)


# each builder makes a scheduler from (lib, optimizer)
BUILDERS = {
    "multiplicative": lambda lib, o: sched(lib, "MultiplicativeLR", o,
                                           lr_lambda=lambda e: 0.95 if e % 3 else 1.1),
    "multiplicative-per-group": lambda lib, o: sched(
        lib, "MultiplicativeLR", o, lr_lambda=[lambda e: 0.9, lambda e: 1 / (1 + 0.1 * e)]),
    "polynomial": lambda lib, o: sched(lib, "PolynomialLR", o, total_iters=12),
    "polynomial-power2": lambda lib, o: sched(lib, "PolynomialLR", o, total_iters=7, power=2.0),
    "polynomial-sqrt": lambda lib, o: sched(lib, "PolynomialLR", o, total_iters=20, power=0.5),
    "warm-restarts": lambda lib, o: sched(lib, "CosineAnnealingWarmRestarts", o, T_0=5),
    "warm-restarts-mult": lambda lib, o: sched(lib, "CosineAnnealingWarmRestarts", o, T_0=2,
                                               T_mult=2, eta_min=0.01),
    "cyclic": lambda lib, o: sched(lib, "CyclicLR", o, base_lr=0.01, max_lr=0.1,
                                   step_size_up=4),
    "cyclic-triangular2": lambda lib, o: sched(lib, "CyclicLR", o, base_lr=[0.01, 0.02],
                                               max_lr=[0.1, 0.3], step_size_up=3,
                                               step_size_down=5, mode="triangular2",
                                               base_momentum=[0.8, 0.7], max_momentum=0.95),
    "cyclic-exp-range": lambda lib, o: sched(lib, "CyclicLR", o, base_lr=0.01, max_lr=0.1,
                                             step_size_up=3, mode="exp_range", gamma=0.9),
    "cyclic-no-momentum": lambda lib, o: sched(lib, "CyclicLR", o, base_lr=0.01, max_lr=0.1,
                                               step_size_up=2, cycle_momentum=False),
    "cyclic-scale-fn": lambda lib, o: sched(lib, "CyclicLR", o, base_lr=0.01, max_lr=0.1,
                                            step_size_up=3, scale_fn=lambda x: 1 / (1 + x),
                                            scale_mode="iterations"),
    "cyclic-scale-fn-cycle": lambda lib, o: sched(lib, "CyclicLR", o, base_lr=0.01,
                                                  max_lr=0.1, step_size_up=3,
                                                  scale_fn=lambda x: 0.5 ** x),
    "sequential": lambda lib, o: lib.optim.lr_scheduler.SequentialLR(
        o, [lib.optim.lr_scheduler.ConstantLR(o, factor=0.5, total_iters=4),
            lib.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)], milestones=[3]),
    "sequential-three": lambda lib, o: lib.optim.lr_scheduler.SequentialLR(
        o, [lib.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=5),
            lib.optim.lr_scheduler.CosineAnnealingLR(o, T_max=8, eta_min=0.001),
            lib.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)], milestones=[5, 13]),
    "sequential-polynomial": lambda lib, o: lib.optim.lr_scheduler.SequentialLR(
        o, [lib.optim.lr_scheduler.MultiplicativeLR(o, lambda e: 0.8),
            lib.optim.lr_scheduler.PolynomialLR(o, total_iters=10, power=2.0)],
        milestones=[6]),
    "chained": lambda lib, o: lib.optim.lr_scheduler.ChainedScheduler(
        [lib.optim.lr_scheduler.ConstantLR(o, factor=0.5, total_iters=4),
         lib.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)]),
    "chained-three": lambda lib, o: lib.optim.lr_scheduler.ChainedScheduler(
        [lib.optim.lr_scheduler.LinearLR(o, start_factor=0.2, total_iters=6),
         lib.optim.lr_scheduler.MultiStepLR(o, milestones=[5, 9], gamma=0.5),
         lib.optim.lr_scheduler.PolynomialLR(o, total_iters=30)], optimizer=o),
    "swalr": lambda lib, o: sched(lib, "SWALR", o, swa_lr=0.05, anneal_epochs=6),
    "swalr-linear": lambda lib, o: sched(lib, "SWALR", o, swa_lr=[0.05, 0.5], anneal_epochs=4,
                                         anneal_strategy="linear"),
    "swalr-no-anneal": lambda lib, o: sched(lib, "SWALR", o, swa_lr=0.02, anneal_epochs=0),
}
ADAM_BUILDERS = ["cyclic", "cyclic-exp-range"]  # cycle Adam's beta1 instead of momentum


def sequence(lib, builder, optimizer="SGD", steps=40):
    opt = make_optimizer(lib, optimizer)
    scheduler = BUILDERS[builder](lib, opt)
    lrs, momenta = [scheduler.get_last_lr()], []
    for _ in range(steps):
        opt.step()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns when SequentialLR passes an epoch
            scheduler.step()
        lrs.append(scheduler.get_last_lr())
        momenta.append([g.get("momentum", g.get("betas", (None,))[0]) for g in opt.param_groups])
        assert [g["lr"] for g in opt.param_groups] == lrs[-1]
    return np.array(lrs, dtype=float), np.array(momenta, dtype=float), scheduler


@pytest.mark.parametrize("builder,optimizer",
                         [(b, "SGD") for b in BUILDERS] + [(b, "Adam") for b in ADAM_BUILDERS])
def test_lr_sequence_matches_pytorch(torch_lib, builder, optimizer):
    lrs, momenta, _ = sequence(ember, builder, optimizer)
    tlrs, tmomenta, _ = sequence(torch_lib, builder, optimizer)
    np.testing.assert_allclose(lrs, tlrs, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(momenta, tmomenta, rtol=1e-12, atol=1e-15)
    assert not np.all(lrs == [0.1, 0.3])  # the schedule really changes the rates


@pytest.mark.parametrize("T_0,T_mult", [(3, 1), (2, 2), (1, 3)])
def test_warm_restarts_with_fractional_epochs_match_pytorch(torch_lib, T_0, T_mult):  # noqa: N803
    results = []
    for lib in (ember, torch_lib):
        opt = make_optimizer(lib)
        scheduler = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(
            opt, T_0=T_0, T_mult=T_mult, eta_min=0.001)
        lrs = []
        batches = 7
        for epoch in range(12):
            for batch in range(batches):
                opt.step()
                scheduler.step(epoch + batch / batches)
                lrs.append(scheduler.get_last_lr() + [scheduler.T_i, scheduler.T_cur,
                                                      scheduler.last_epoch])
        scheduler.step()  # and back to whole epochs
        lrs.append(scheduler.get_last_lr() + [scheduler.T_i, scheduler.T_cur,
                                              scheduler.last_epoch])
        results.append(np.array(lrs, dtype=float))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12, atol=1e-15)


ROUND_TRIP = ["multiplicative", "polynomial-power2", "warm-restarts-mult", "cyclic-triangular2",
              "cyclic-scale-fn", "sequential-three", "chained-three", "swalr"]


@pytest.mark.parametrize("builder", ROUND_TRIP)
def test_state_dict_round_trip(torch_lib, builder):
    full, full_momenta, _ = sequence(ember, builder, steps=18)
    # stop after 7 steps, save, and resume in a fresh optimizer and scheduler
    opt = make_optimizer(ember)
    scheduler = BUILDERS[builder](ember, opt)
    for _ in range(7):
        opt.step()
        scheduler.step()
    state = scheduler.state_dict()
    opt_state = opt.state_dict()
    assert "optimizer" not in state
    topt = make_optimizer(torch_lib)
    tscheduler = BUILDERS[builder](torch_lib, topt)
    public = {k for k in tscheduler.state_dict() if not k.startswith("_")}
    assert public <= set(state)  # the public fields PyTorch saves are all there
    if "_schedulers" in state:
        assert len(state["_schedulers"]) == len(tscheduler.state_dict()["_schedulers"])
    opt2 = make_optimizer(ember)
    scheduler2 = BUILDERS[builder](ember, opt2)
    opt2.load_state_dict(opt_state)
    scheduler2.load_state_dict(state)
    lrs = [scheduler2.get_last_lr()]
    for _ in range(11):
        opt2.step()
        scheduler2.step()
        lrs.append(scheduler2.get_last_lr())
    np.testing.assert_allclose(np.array(lrs, dtype=float), full[7:], rtol=1e-12, atol=1e-15)


def test_state_dict_keeps_callable_objects_attributes():
    class Factor:
        def __init__(self, value):
            self.value = value

        def __call__(self, epoch):
            return self.value

    opt = make_optimizer(ember)
    scheduler = ember.optim.lr_scheduler.MultiplicativeLR(opt, [Factor(0.5), lambda e: 0.9])
    state = scheduler.state_dict()
    assert state["lr_lambdas"] == [{"value": 0.5}, None]
    other = ember.optim.lr_scheduler.MultiplicativeLR(make_optimizer(ember),
                                                      [Factor(0.1), lambda e: 0.9])
    other.load_state_dict(state)
    assert other.lr_lambdas[0].value == 0.5


def test_sequential_and_chained_state_dicts_look_like_pytorchs(torch_lib):
    states = []
    for lib in (ember, torch_lib):
        opt = make_optimizer(lib)
        seq = BUILDERS["sequential"](lib, opt)
        for _ in range(5):
            opt.step()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                seq.step()
        state = seq.state_dict()
        states.append((state["last_epoch"], state["_milestones"], state["_last_lr"],
                       [(s["last_epoch"], s["base_lrs"]) for s in state["_schedulers"]]))
    assert states[0] == states[1]


@pytest.mark.parametrize("make,exc,message", [
    (lambda lib, o: lib.optim.lr_scheduler.MultiplicativeLR(o, [lambda e: 1]), ValueError,
     "Expected 2 lr_lambdas, but got 1"),
    (lambda lib, o: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=0), ValueError,
     "Expected positive integer T_0, but got 0"),
    (lambda lib, o: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2.0), ValueError,
     "Expected positive integer T_0, but got 2.0"),
    (lambda lib, o: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0),
     ValueError, "Expected integer T_mult >= 1, but got 0"),
    (lambda lib, o: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, 2, eta_min="0"),
     ValueError, "Expected float or int eta_min, but got 0 of type"),
    (lambda lib, o: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, 2).step(-1),
     ValueError, "Expected non-negative epoch, but got -1"),
    (lambda lib, o: lib.optim.lr_scheduler.CyclicLR(o, [0.1, 0.2, 0.3], 0.5), ValueError,
     "base_lr must have the same length as optimizer.param_groups. base_lr has 3 values, "
     "param_groups has 2."),
    (lambda lib, o: lib.optim.lr_scheduler.CyclicLR(o, 0.1, [0.5]), ValueError,
     "max_lr must have the same length as optimizer.param_groups. max_lr has 1 values, "
     "param_groups has 2."),
    (lambda lib, o: lib.optim.lr_scheduler.CyclicLR(o, 0.1, 0.5, mode="square"), ValueError,
     "mode is invalid and scale_fn is None"),
    (lambda lib, o: lib.optim.lr_scheduler.CyclicLR(
        lib.optim.Adagrad([lib.zeros(1, requires_grad=True)]), 0.1, 0.5), ValueError,
     "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"),
    (lambda lib, o: lib.optim.lr_scheduler.SequentialLR(o, [], []), ValueError,
     "SequentialLR expects at least one scheduler, but got no scheduler."),
    (lambda lib, o: lib.optim.lr_scheduler.SequentialLR(
        o, [lib.optim.lr_scheduler.ExponentialLR(o, 0.9)], [2]), ValueError,
     "Sequential Schedulers expects number of schedulers provided to be one more than the "
     "number of milestone points, but got number of schedulers 1 and the number of milestones "
     "to be equal to 1"),
    (lambda lib, o: lib.optim.lr_scheduler.SequentialLR(
        o, [lib.optim.lr_scheduler.ExponentialLR(o, 0.9), object()], [2]), TypeError,
     "SequentialLR at index 1 should have `optimizer` as its attribute."),
    (lambda lib, o: lib.optim.lr_scheduler.SequentialLR(
        o, [lib.optim.lr_scheduler.ReduceLROnPlateau(o)], []), ValueError,
     "SequentialLR does not support `ReduceLROnPlateau` scheduler as it requires additional "
     "kwargs to be specified when calling `step`, but got one at index 0 in the given "
     "schedulers sequence."),
    (lambda lib, o: lib.optim.lr_scheduler.SequentialLR(
        o, [lib.optim.lr_scheduler.ExponentialLR(make_optimizer(lib), 0.9)], []), ValueError,
     "SequentialLR expects all schedulers to belong to the same optimizer, but got scheduler "
     "ExponentialLR at index 0 has"),
    (lambda lib, o: lib.optim.lr_scheduler.ChainedScheduler([]), ValueError,
     "ChainedScheduler expects at least one scheduler to be chained, but got no scheduler."),
    (lambda lib, o: lib.optim.lr_scheduler.ChainedScheduler(
        [lib.optim.lr_scheduler.ExponentialLR(o, 0.9),
         lib.optim.lr_scheduler.ReduceLROnPlateau(o)]), ValueError,
     "ChainedScheduler does not support `ReduceLROnPlateau` scheduler as it requires "
     "additional kwargs"),
    (lambda lib, o: lib.optim.lr_scheduler.ChainedScheduler(
        [lib.optim.lr_scheduler.ExponentialLR(o, 0.9),
         lib.optim.lr_scheduler.ExponentialLR(make_optimizer(lib), 0.9)]), ValueError,
     "ChainedScheduler expects all schedulers to belong to the same optimizer, but got "
     "scheduler ExponentialLR at index 1 has"),
    (lambda lib, o: lib.optim.swa_utils.SWALR(o, 0.1, anneal_strategy="exp"), ValueError,
     "anneal_strategy must be one of 'cos' or 'linear', instead got exp"),
    (lambda lib, o: lib.optim.swa_utils.SWALR(o, 0.1, anneal_epochs=-1), ValueError,
     "anneal_epochs must be equal or greater than 0, got -1"),
    (lambda lib, o: lib.optim.swa_utils.SWALR(o, [0.1]), ValueError,
     "swa_lr must have the same length as optimizer.param_groups. swa_lr has 1 values, "
     "param_groups has 2."),
])
def test_errors_match_pytorch(make, exc, message):
    expect_error(lambda lib: make(lib, make_optimizer(lib)), exc, message)


# --- AveragedModel and update_bn ------------------------------------------------------------
def build_model(lib, state=None):
    nn = lib.nn
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2)).double()
    if state is not None:
        model.load_state_dict({k: lib.tensor(v) for k, v in state.items()})
    return model


def numpy_state(module):
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


AVERAGING = {
    "swa": lambda lib, m: lib.optim.swa_utils.AveragedModel(m),
    "swa-buffers": lambda lib, m: lib.optim.swa_utils.AveragedModel(m, use_buffers=True),
    "ema-multi": lambda lib, m: lib.optim.swa_utils.AveragedModel(
        m, multi_avg_fn=lib.optim.swa_utils.get_ema_multi_avg_fn(0.8)),
    "ema-multi-buffers": lambda lib, m: lib.optim.swa_utils.AveragedModel(
        m, multi_avg_fn=lib.optim.swa_utils.get_ema_multi_avg_fn(0.7), use_buffers=True),
    "swa-multi": lambda lib, m: lib.optim.swa_utils.AveragedModel(
        m, multi_avg_fn=lib.optim.swa_utils.get_swa_multi_avg_fn()),
    "ema-avg-fn": lambda lib, m: lib.optim.swa_utils.AveragedModel(
        m, avg_fn=lib.optim.swa_utils.get_ema_avg_fn(0.9)),
    "custom-avg-fn": lambda lib, m: lib.optim.swa_utils.AveragedModel(
        m, avg_fn=lambda avg, p, n: avg * 0.5 + p * 0.5 + n * 0.01, use_buffers=True),
}


def averaging_run(lib, kind, init, data):
    model = build_model(lib, init)
    averaged = AVERAGING[kind](lib, model)
    opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    outputs, counts = [], []
    for x, y in data:
        opt.zero_grad()
        loss = ((model(lib.tensor(x)) - lib.tensor(y)) ** 2).mean()
        loss.backward()
        opt.step()
        averaged.update_parameters(model)
        counts.append(int(averaged.n_averaged))
    with lib.no_grad():
        averaged.eval()
        outputs = averaged(lib.tensor(data[0][0])).numpy().copy()
    return numpy_state(averaged), counts, outputs, averaged, model


@pytest.mark.parametrize("kind", list(AVERAGING))
def test_averaged_model_matches_pytorch(torch_lib, kind):
    rng = np.random.default_rng(0)
    init = numpy_state(build_model(torch_lib))
    data = [(rng.standard_normal((6, 3)), rng.standard_normal((6, 2))) for _ in range(6)]
    ours, counts, out, averaged, model = averaging_run(ember, kind, init, data)
    theirs, tcounts, tout, _, _ = averaging_run(torch_lib, kind, init, data)
    assert list(ours) == list(theirs)  # n_averaged, module.0.weight, ...
    assert counts == tcounts == [1, 2, 3, 4, 5, 6]
    for key in theirs:
        assert ours[key].dtype == theirs[key].dtype, key
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-12, atol=1e-14, err_msg=key)
    np.testing.assert_allclose(out, tout, rtol=1e-12, atol=1e-14)
    # the average is not the model
    assert not np.allclose(ours["module.0.weight"], numpy_state(model)["0.weight"])


def test_averaged_model_is_a_copy_and_forwards():
    model = build_model(ember)
    averaged = ember.optim.swa_utils.AveragedModel(model)
    assert averaged.module is not model
    assert averaged.module[0].weight is not model[0].weight
    assert averaged.n_averaged.dtype == ember.int64 and int(averaged.n_averaged) == 0
    x = ember.ones(2, 3, dtype=ember.float64)
    model.eval()
    averaged.eval()
    assert averaged(x).tolist() == model(x).tolist()


@pytest.mark.parametrize("with_labels", [False, True])
def test_update_bn_matches_pytorch(torch_lib, with_labels):
    rng = np.random.default_rng(3)
    init = numpy_state(build_model(torch_lib))
    batches = [rng.standard_normal((5, 3)) * 2 + 1 for _ in range(4)]
    results = []
    for lib in (ember, torch_lib):
        model = build_model(lib, init)
        model[1].momentum = 0.3
        model.eval()
        loader = [(lib.tensor(b), 0) if with_labels else lib.tensor(b) for b in batches]
        lib.optim.swa_utils.update_bn(loader, model)
        assert model.training is False and model[1].momentum == 0.3
        results.append(numpy_state(model))
    for key in results[1]:
        np.testing.assert_allclose(results[0][key], results[1][key], rtol=1e-12, atol=1e-14,
                                   err_msg=key)
    assert results[0]["1.num_batches_tracked"] == 4


def test_update_bn_without_batch_norm_does_nothing():
    model = ember.nn.Linear(2, 2)
    ember.optim.swa_utils.update_bn([ember.ones(1, 2)], model)  # no error, no pass over data


def test_averaged_model_takes_one_averaging_function():
    expect_error(lambda lib: lib.optim.swa_utils.AveragedModel(
        lib.nn.Linear(2, 2), avg_fn=lambda a, p, n: a, multi_avg_fn=lambda a, p, n: None),
        AssertionError, "Only one of avg_fn and multi_avg_fn should be provided")
