"""What the front end receives: JSON plus binary buffers, one update per result."""

from __future__ import annotations

import json

import pytest
import torch
from ipywidgets.widgets.widget import _remove_buffers

import ig_widget

TIMEOUT = 20


def test_state_is_json_with_binary_buffers(make, cnn, image):
    w = make(cnn, image, n_steps=12)
    w.wait(TIMEOUT)
    state, paths, buffers = _remove_buffers(w.get_state())
    json.dumps(state, allow_nan=False)  # strict JSON: no NaN, no numpy scalars
    assert ["_payload", "attr", "data"] in paths
    assert ["_payload", "image", "data"] in paths
    assert ["_payload", "path_trace", "alphas", "data"] in paths
    assert ["_colormaps", "RdBu_r", "lut"] in paths
    assert all(isinstance(b, (bytes, memoryview)) for b in buffers)
    p = state["_payload"]
    assert set(p) >= {"kind", "readout", "path_trace", "height", "width"}
    assert state["modality"] == "image" and state["status"] == "idle"
    # what the front end must not hard-code comes from the kernel
    assert state["_request_id"] >= 1 and state["max_steps"] == 2000
    assert state["_version"] == ig_widget.__version__ != ""


def test_one_update_per_result(make, mlp, row):
    w = make(mlp, row, n_steps=4)
    w.wait(TIMEOUT)
    sent = []
    w.comm.send = lambda data=None, buffers=None, **kw: sent.append(set(data.get("state", {})))
    w.n_steps = 5
    w.wait(TIMEOUT)
    with_payload = [keys for keys in sent if "_payload" in keys]
    assert len(with_payload) == 1
    assert {"_payload", "status", "progress"} <= with_payload[0]  # unchanged traits are not sent


def test_nan_logits_keep_the_state_json(make, row):
    # class 1 has a NaN logit, class 0 does not: the top classes must stay strict JSON
    w = make(lambda x: torch.cat([x[:, :1], torch.log(x[:, :1] - 10.0)], 1), row, target=0)
    w.wait(TIMEOUT)
    state, _, _ = _remove_buffers(w.get_state())
    json.dumps(state, allow_nan=False)
    w.target = 1  # NaN: the engine refuses it
    with pytest.raises(RuntimeError, match="NaN"):
        w.wait(TIMEOUT)
    state, _, _ = _remove_buffers(w.get_state())
    json.dumps(state, allow_nan=False)
