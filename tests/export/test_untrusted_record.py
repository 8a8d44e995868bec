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
