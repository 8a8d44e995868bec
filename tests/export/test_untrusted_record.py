"""``IGWidget.load`` reads JSON and numeric arrays only: nothing is unpickled, and every
malformed file ends in a ValueError that names the problem."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

from ig_widget import IGWidget


@pytest.fixture
def saved(live, tmp_path):
    w = live("tabular")
    json_path, npz_path = w.save(tmp_path / "r.json")
    return json_path, npz_path


def _edit(path, **changes):
    doc = json.loads(path.read_text())
    doc.update(changes)
    path.write_text(json.dumps(doc))


class Boom:
    def __reduce__(self):
        return (print, ("unpickled!",))


def test_object_arrays_are_not_unpickled(saved, capsys):
    json_path, npz_path = saved
    np.savez(npz_path, input=np.array([Boom()], dtype=object), display_attributions=np.zeros(5))
    with pytest.raises(ValueError, match="cannot be read safely"):
        IGWidget.load(json_path)
    assert "unpickled!" not in capsys.readouterr().out


def test_a_pickle_in_place_of_the_npz_is_refused(saved, capsys):
    json_path, npz_path = saved
    npz_path.write_bytes(pickle.dumps(Boom()))
    with pytest.raises(ValueError, match="not a readable"):
        IGWidget.load(json_path)
    assert "unpickled!" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"format": "something else"}, "format"),
        ({"format_version": 99}, "newer"),
        ({"arrays": "../../etc/passwd"}, "beside it"),
        ({"target": "3"}, "'target' must be an int"),
        ({"output": "1.0"}, "'output' must be a number"),
        ({"feature_names": [1, 2]}, "list of strings"),
        ({"settings": [1]}, "'settings' must be an object"),
        ({"note": {"html": "<b>"}}, "'note' must be a string"),
    ],
)
def test_malformed_fields(saved, changes, message):
    json_path, _ = saved
    _edit(json_path, **changes)
    with pytest.raises(ValueError, match=message):
        IGWidget.load(json_path)


def test_not_json_and_missing_arrays(saved):
    json_path, npz_path = saved
    npz_path.unlink()
    with pytest.raises(ValueError, match="cannot read its arrays"):
        IGWidget.load(json_path)
    json_path.write_text("{not json")
    with pytest.raises(ValueError, match="as JSON"):
        IGWidget.load(json_path)


def test_string_arrays_are_refused(saved):
    json_path, npz_path = saved
    np.savez(npz_path, input=np.array(["a", "b"]), display_attributions=np.zeros(2))
    with pytest.raises(ValueError, match="not real numbers"):
        IGWidget.load(json_path)


def test_names_of_the_wrong_count(saved, tmp_path):
    json_path, _ = saved
    _edit(json_path, feature_names=["only one"])
    with pytest.raises(ValueError, match="feature"):
        IGWidget.load(json_path)


def _page_json(tmp_path, **arrays):
    """A JSON as the widget's download button writes it (arrays embedded, base64)."""
    import base64

    def rec(a):
        a = np.asarray(a)
        return {
            "dtype": a.dtype.name,
            "shape": list(a.shape),
            "data": base64.b64encode(a.tobytes()).decode(),
        }

    doc = {
        "format": "ig_widget.result",
        "format_version": 1,
        "modality": "tabular",
        "target": 1,
        "target_label": "yes",
        "settings": {"n_steps": 9, "method": "m", "baseline": "b", "path": "p"},
        "output": 1.0,
        "baseline_output": 0.5,
        "delta": 0.01,
        "note": "seen",
        "feature_names": ["a", "b"],
        "embedded_arrays": {k: (v if isinstance(v, dict) else rec(v)) for k, v in arrays.items()},
    }
    path = tmp_path / "page.json"
    path.write_text(json.dumps(doc))
    return path


def test_json_from_the_page_loads(tmp_path, static):
    path = _page_json(
        tmp_path,
        input=np.array([1.0, 2.0]),
        display_attributions=np.array([0.25, -0.5], dtype=np.float32),
    )
    w = IGWidget.load(path)
    static.append(w)
    assert w._payload["names"] == ["a", "b"] and w.note == "seen"
    assert w._payload["readout"]["delta"] == pytest.approx(0.01)


@pytest.mark.parametrize(
    ("attr", "message"),
    [
        ({"dtype": "float32", "shape": [1_000_000_000], "data": "AAAA"}, "elements"),
        ({"dtype": "float32", "shape": [3], "data": "AAAA"}, "bytes for shape"),
        ({"dtype": "object", "shape": [1], "data": "AAAA"}, "dtype"),
        ({"dtype": "float32", "shape": ["2"], "data": "AAAA"}, "bad shape"),
        ({"dtype": "float32", "shape": [1], "data": "<script>"}, "not base64"),
    ],
)
def test_malformed_embedded_arrays(tmp_path, attr, message):
    path = _page_json(tmp_path, input=np.array([1.0, 2.0]), display_attributions=attr)
    with pytest.raises(ValueError, match=message):
        IGWidget.load(path)
