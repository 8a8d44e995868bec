"""Image, text and tabular payload parts."""

from __future__ import annotations

import numpy as np
import pytest

from ig_widget._serialize import decode_array
from ig_widget.payload import (
    feature_names,
    image_payload,
    readout,
    tabular_payload,
    text_payload,
    to_rgba,
    token_strings,
)
from ig_widget.payload.image import pixel_name
from ig_widget.payload.names import one_per


def test_rgba_from_unit_range_rgb():
    img = np.zeros((3, 2, 2))
    img[0, 0, 0], img[1, 0, 1], img[2, 1, 0] = 1.0, 0.5, 0.2
    out = to_rgba(img)
    assert out.shape == (2, 2, 4) and out.dtype == np.uint8
    assert tuple(out[0, 0]) == (255, 0, 0, 255)
    assert tuple(out[0, 1]) == (0, 128, 0, 255)
    assert tuple(out[1, 0]) == (0, 0, 51, 255)


def test_rgba_min_max_scales_out_of_range_input():
    img = np.array([[[-2.0, 0.0], [1.0, 2.0]]] * 3)  # normalised input
    out = to_rgba(img)
    np.testing.assert_array_equal(out[..., 0], [[0, 128], [191, 255]])
    out255 = to_rgba(np.full((3, 1, 2), 200.0) + np.array([0.0, 55.0]))
    np.testing.assert_array_equal(out255[0, :, 0], [0, 255])
    assert to_rgba(np.full((3, 2, 2), 7.0)).max() == 255  # constant: black, opaque


def test_rgba_grey_and_extra_channels():
    grey = to_rgba(np.array([[[0.0, 1.0]]]))
    np.testing.assert_array_equal(grey[0, 1], [255, 255, 255, 255])
    np.testing.assert_array_equal(grey[0, 0], [0, 0, 0, 255])
    four = to_rgba(
        np.stack([np.ones((2, 2)), np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((2, 2))])
    )
    assert tuple(four[0, 0]) == (255, 0, 0, 255)  # alpha stays opaque
    with pytest.raises(ValueError, match="C, H, W"):
        to_rgba(np.zeros((2, 2)))


def test_image_payload():
    rgba = to_rgba(np.random.default_rng(0).random((3, 4, 5)))
    attr = np.arange(20, dtype=np.float64).reshape(4, 5)
    p = image_payload(rgba, attr)
    assert p["kind"] == "image" and (p["height"], p["width"]) == (4, 5)
    assert decode_array(p["attr"]).dtype == np.float32
    np.testing.assert_array_equal(decode_array(p["image"]), rgba)
    p3 = image_payload(rgba, np.stack([attr, attr, attr]))  # summed over channels
    np.testing.assert_array_equal(decode_array(p3["attr"]), 3 * attr)
    with pytest.raises(ValueError, match="does not match"):
        image_payload(rgba, np.zeros((5, 4)))
    assert pixel_name(7, 5) == "x 2, y 1"


def test_token_strings():
    assert token_strings([5, 6]) == ["5", "6"]
    evil = "<img src=x onerror=alert(1)>"
    assert token_strings([1, 2], ["a", evil]) == ["a", evil]

    class Tok:
        def convert_ids_to_tokens(self, ids):
            return [f"<{i}>" for i in ids]

    assert token_strings([1, 2], tokenizer=Tok()) == ["<1>", "<2>"]
    with pytest.raises(ValueError, match="tokens has 1 entries but the input has 2"):
        token_strings([1, 2], ["a"])
    with pytest.raises(TypeError, match="list of strings"):
        token_strings([1, 2], "ab")


def test_text_payload_keeps_markup():
    evil = "<img src=x onerror=alert(1)>"
    p = text_payload(["hi", evil, "</script>"], np.array([0.1, -0.2, 0.3]))
    assert p["kind"] == "text"
    assert p["tokens"] == ["hi", evil, "</script>"]
    np.testing.assert_allclose(decode_array(p["attr"]), [0.1, -0.2, 0.3], rtol=1e-6)
    with pytest.raises(ValueError, match="3 tokens but 2"):
        text_payload(["a", "b", "c"], np.zeros(2))


def test_tabular():
    assert feature_names(3) == ["x0", "x1", "x2"]
    assert feature_names(2, ("age", 7)) == ["age", "7"]
    with pytest.raises(ValueError, match="feature_names has 2 entries but the input has 3"):
        feature_names(3, ["a", "b"])
    p = tabular_payload(["a", "b"], np.array([1.5, -2.0], dtype=np.float32), np.array([0.25, 1.0]))
    assert p["kind"] == "tabular" and p["names"] == ["a", "b"]
    v, a = decode_array(p["values"]), decode_array(p["attr"])
    assert v.dtype == np.float64 and a.dtype == np.float32
    np.testing.assert_array_equal(v, [1.5, -2.0])
    np.testing.assert_array_equal(a, [0.25, 1.0])


def test_readout_is_plain_json():
    r = readout(
        output=np.float32(1.5),
        baseline_output=np.float64(0.5),
        total=1.0,
        delta=np.float32(0.0),
        target=np.int64(2),
        target_label="dog",
        n_steps=50,
        method="gausslegendre",
        baseline="zero",
        path="straight",
    )
    assert set(r) == {
        "output",
        "baseline_output",
        "sum",
        "delta",
        "target",
        "target_label",
        "n_steps",
        "method",
        "baseline",
        "path",
    }
    assert type(r["output"]) is float and type(r["target"]) is int


@pytest.mark.parametrize(
    "names, error, match",
    [
        ("abc", TypeError, r"thing_names must be a list of strings \(one per thing\), not one"),
        (b"abc", TypeError, "not one string"),
        (7, TypeError, r"a list of strings \(one per thing\), got int"),
        (["a"], ValueError, r"thing_names has 1 entries but there are 2 things; pass one"),
    ],
)
def test_one_validator_for_lists_of_names(names, error, match):
    kw = dict(arg="thing_names", what="name", per="thing", has="there are 2 things")
    with pytest.raises(error, match=match):
        one_per(names, 2, **kw)
    assert one_per(("a", 3), 2, **kw) == ["a", "3"]
