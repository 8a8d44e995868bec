"""Trait validation from Python (exceptions) and from the front end (``error``)."""

from __future__ import annotations

import pathlib

import pytest
import torch
from traitlets import TraitError

from ig_widget import IGWidget
from ig_widget._colormaps import DIVERGING, SEQUENTIAL
from ig_widget.widget import FRONT_END_TRAITS

TIMEOUT = 20
PUBLIC = [
    "n_steps",
    "method",
    "baseline",
    "path",
    "target",
    "sign",
    "colormap",
    "opacity",
    "clip_percentile",
    "top_k",
    "debounce_ms",
    "note",
    "generation_step",
    "status",
    "progress",
    "error",
    "warning",
    "modality",
    "method_options",
    "baseline_options",
    "path_options",
    "top_classes",
    "computable",
    "class_labels",
    "generated_tokens",
]


def test_contract_traits_are_synced_and_documented(make, mlp, row):
    w = make(mlp, row)
    for name in PUBLIC + ["_colormaps", "_payload", "_provisional", "_esm"]:
        assert name in w.keys, name
    for name in PUBLIC:
        assert w.trait_metadata(name, "help"), f"{name} has no help text"
    assert w.n_steps == 50 and w.method == "gausslegendre" and w.path == "straight"
    assert w.sign == "signed" and w.colormap == "RdBu_r" and w.opacity == 0.6
    # 5 features: fewer than 50 display values start at the 80th percentile
    assert w.clip_percentile == 80.0 and w.top_k == 10 and w.debounce_ms == 150
    assert w.method_options[0] == "gausslegendre" and len(w.method_options) == 5
    assert set(w._colormaps) == set(DIVERGING + SEQUENTIAL)
    assert all(len(c["lut"]) == 768 for c in w._colormaps.values())


def test_esm_points_at_the_bundle(make, mlp, row):
    static = pathlib.Path(__import__("ig_widget").__file__).parent / "static"
    w = make(mlp, row)
    if (static / "widget.js").is_file():
        assert w._esm == (static / "widget.js").read_text()
    else:
        assert "missing" in w._esm


@pytest.mark.parametrize(
    "name",
    [
        "status",
        "progress",
        "error",
        "warning",
        "modality",
        "method_options",
        "baseline_options",
        "path_options",
        "top_classes",
        "max_steps",
        "_colormaps",
        "_payload",
        "_provisional",
        "_request_id",
        "_version",
    ],
)
def test_read_only_state(make, mlp, row, name):
    w = make(mlp, row)
    with pytest.raises(TraitError, match="read-only"):
        setattr(w, name, getattr(w, name))


@pytest.mark.parametrize(
    "name, value, match",
    [
        ("n_steps", 0, "n_steps"),
        ("n_steps", 2001, "n_steps"),
        ("n_steps", "ten", "n_steps"),
        ("method", "simpson", "method='simpson' is not offered"),
        ("baseline", "blur", "baseline='blur' is not offered; use one of 'zeros'"),
        ("path", "curvy", "path='curvy'"),
        ("target", 3, "target=3 is out of range"),
        ("target", -1, "out of range"),
        ("sign", "both", "sign"),
        ("colormap", "jet", "colormap='jet'"),
        ("opacity", 1.5, "opacity"),
        ("clip_percentile", 20.0, "clip_percentile"),
        ("top_k", 0, "top_k"),
        ("debounce_ms", -1, "debounce_ms"),
    ],
)
def test_bad_values_from_python_raise(make, mlp, row, name, value, match):
    w = make(mlp, row)
    w.wait(TIMEOUT)
    before = getattr(w, name)
    with pytest.raises(TraitError, match=match):
        setattr(w, name, value)
    assert getattr(w, name) == before


def test_bad_constructor_values_raise(mlp, row):
    with pytest.raises(TraitError, match="n_steps"):
        IGWidget(mlp, row, n_steps=0)
    with pytest.raises(TraitError, match="method"):
        IGWidget(mlp, row, method="simpson")
    with pytest.raises(TraitError, match="out of range"):
        IGWidget(mlp, row, target=7)
    with pytest.raises(TraitError, match="path"):
        model = torch.nn.Sequential(torch.nn.Conv2d(3, 1, 1), torch.nn.Flatten())
        IGWidget(model, torch.rand(3, 2, 2), path="spiral")


def test_image_refuses_a_path_it_does_not_offer(make, cnn, image):
    w = make(cnn, image)
    with pytest.raises(TraitError, match="'straight'"):
        w.path = "spiral"


@pytest.mark.parametrize(
    "state, match",
    [
        ({"n_steps": 0}, "n_steps"),
        ({"n_steps": "many"}, "n_steps"),
        ({"baseline": "nope"}, "baseline='nope'"),
        ({"method": None}, "method"),
        ({"target": 99}, "out of range"),
        ({"opacity": -1}, "opacity"),
        ({"n_steps": 9, "baseline": "nope"}, "baseline"),
    ],
)
def test_bad_values_from_the_front_end_end_in_error(make, mlp, row, state, match):
    w = make(mlp, row)
    good = w.wait(TIMEOUT)
    before = w._runner.computations
    sent = []
    w.send_state = lambda key=None: sent.append(key)
    w.set_state(state)  # no exception reaches the kernel
    assert w.status == "error"
    assert match in w.error and "Refused" in w.error
    assert w.n_steps == 50 and w.baseline == "zeros"  # all or nothing
    assert sent and set(sent[-1]) == set(state)  # the controls are reset
    assert w._runner.computations == before
    assert w.wait(TIMEOUT) is good


def test_good_values_from_the_front_end_compute(make, mlp, row):
    w = make(mlp, row)
    w.wait(TIMEOUT)
    w.set_state({"n_steps": 21, "method": "riemann_middle"})
    res = w.wait(TIMEOUT)
    assert res.settings["n_steps"] == 21 and res.settings["method"] == "riemann_middle"
    assert w._payload["readout"]["method"] == "riemann_middle"


def test_front_end_cannot_write_kernel_state(make, mlp, row):
    w = make(mlp, row)
    w.wait(TIMEOUT)
    payload = w._payload
    w.set_state(
        {
            "status": "running",
            "error": "x",
            "_payload": {},
            "modality": "image",
            "baseline_options": ["evil"],
            "_provisional": True,
            "max_steps": 5,
            "_request_id": 0,
            "_esm": "export default {}",
        }
    )
    assert w.status == "idle" and w.error == "" and w._payload is payload
    assert w.modality == "tabular" and w.baseline_options == ["zeros"]
    assert w._provisional is False and w.max_steps == 2000 and w._request_id >= 1
    assert "export default {}" not in w._esm


def test_the_front_end_writes_exactly_the_controls():
    # derived from the traits' read_only flags: a new control is writable, new state is not
    # plus the exploring controls ("steps: auto" and its tolerance, the model compared, the
    # distribution and its samples and noise, the image patch size)
    assert FRONT_END_TRAITS == set(PUBLIC[:13]) | {
        "steps_auto",
        "auto_tol",
        "model_choice",
        "distribution",
        "samples",
        "noise",
        "patch_size",
        "patch_display",
    }
