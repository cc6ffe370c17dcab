"""ember's errors keep PyTorch's type and leading text, then say where: the user's lines."""

import warnings

import numpy as np
import pytest

import ember


def _line_of(marker):
    with open(__file__) as f:
        for number, line in enumerate(f, 1):
            if marker in line and "_line_of" not in line:
                return number
    raise AssertionError(marker)


def test_second_backward_names_the_node_and_the_freeing_backward():
    x = ember.ones(3, requires_grad=True)
    hidden = x.exp()
    hidden.sum().backward()  # FREEING-BACKWARD
    with pytest.raises(RuntimeError) as error:
        (hidden * 2).sum().backward()
    message = str(error.value)
    assert message.startswith("Trying to backward through the graph a second time")
    assert "ExpBackward0" in message
    assert f"{__file__}:{_line_of('# FREEING-BACKWARD')}" in message
    assert "recompute it inside the loop or .detach() it" in message


def test_second_backward_in_anomaly_mode_names_the_creating_line():
    x = ember.ones(3, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with ember.autograd.detect_anomaly():
            hidden = x.exp()  # CREATED-HERE
            hidden.sum().backward()
            with pytest.raises(RuntimeError) as error:
                hidden.sum().backward()
    assert f"(created at {__file__}:{_line_of('# CREATED-HERE')})" in str(error.value)


def test_modified_saved_tensor_names_the_inplace_op_and_line():
    x = ember.ones(3, requires_grad=True)
    y = x.sigmoid()
    y.mul_(2)  # INPLACE-HERE
    with pytest.raises(RuntimeError) as error:
        y.sum().backward()
    message = str(error.value)
    assert message.startswith("one of the variables needed for gradient computation has been "
                              "modified by an inplace operation")
    assert "SigmoidBackward0" in message
    assert f"mul_ at {__file__}:{_line_of('# INPLACE-HERE')}" in message


def test_optimizer_style_update_before_backward_is_named():
    w = ember.ones(3, requires_grad=True)
    loss = (w * w).sum()
    with ember.no_grad():
        w.sub_(0.1)  # UPDATE-HERE
    with pytest.raises(RuntimeError) as error:
        loss.backward()
    assert f"sub_ at {__file__}:{_line_of('# UPDATE-HERE')}" in str(error.value)


def test_graph_cut_under_no_grad_is_explained():
    w = ember.ones(3, requires_grad=True)
    with ember.no_grad():
        loss = (w * 2).sum()
    with pytest.raises(RuntimeError) as error:
        loss.backward()
    message = str(error.value)
    assert message.startswith("element 0 of tensors does not require grad and does not have a "
                              "grad_fn")
    assert "inside no_grad()" in message


def test_graph_cut_by_detach_names_the_line():
    w = ember.ones(3, requires_grad=True)
    cut = w.detach()  # DETACHED-HERE
    with pytest.raises(RuntimeError) as error:
        (cut * 2).sum().backward()
    assert "element 0 of tensors does not require grad" in str(error.value)


def test_graph_cut_of_plain_leaf_is_explained():
    with pytest.raises(RuntimeError) as error:
        ember.tensor([1.0, 2.0]).sum().backward()
    assert "none of the tensors it was computed from required grad" in str(error.value)


def test_anomaly_mode_raises_pytorchs_nan_error_with_origins():
    x = ember.tensor([0.0, 1.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with ember.autograd.detect_anomaly():
            y = ember.log(x) * 0  # NAN-ORIGIN
            z = ember.sqrt(y - y)
            with pytest.raises(RuntimeError) as error:
                z.sum().backward()
    message = str(error.value)
    assert message.startswith("Function 'SqrtBackward0' returned nan values in its 0th output.")
    assert "LogBackward0 produced inf values in its forward" in message
    assert f"{__file__}:{_line_of('# NAN-ORIGIN')}" in message
    assert any("ember anomaly" in str(w.message) for w in caught)
    assert not ember.autograd.is_anomaly_enabled()


def test_set_detect_anomaly_toggles():
    ember.autograd.set_detect_anomaly(True)
    try:
        assert ember.autograd.is_anomaly_enabled()
    finally:
        ember.autograd.set_detect_anomaly(False)
    assert not ember.autograd.is_anomaly_enabled()
    assert np.isfinite(1.0)


def test_float64_numpy_data_meeting_float32_parameters_is_explained():
    layer = ember.nn.Linear(3, 2)
    data = ember.from_numpy(np.ones((4, 3)))
    for program in (lambda: layer(data), lambda: data @ layer.weight.t()):
        with pytest.raises(RuntimeError) as error:
            program()
        message = str(error.value)
        assert message.startswith(("mat1 and mat2 must have the same dtype",
                                   "expected m1 and m2 to have the same dtype"))
        assert "torch.float64" in message and "torch.float32" in message
        assert ".float()" in message
