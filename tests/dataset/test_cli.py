"""The command line: factories by ``module:function``, its errors, and the progress bar."""

from __future__ import annotations

import pytest
import torch

import ig_widget
from ig_widget.attribute_dataset import load_factory, main
from ig_widget.dataset import open_results
from ig_widget.dataset.run import input_device

from .factories import N_EXAMPLES, make_data, make_model


def test_main_runs_from_factories(tmp_path, capsys):
    out = tmp_path / "cli"
    args = [
        "--model",
        "tests.dataset.factories:make_model",
        "--data",
        "tests.dataset.factories:make_data",
        "--out",
        str(out),
        "--n-steps",
        "6",
        "--target",
        "label",
        "--no-inputs",
        "--no-progress",
    ]
    assert main(args) == 0
    assert f"{N_EXAMPLES} examples in {out} (complete)" in capsys.readouterr().out
    r = open_results(out)
    assert r.settings["target"] == "label" and r.settings["store_inputs"] is False
    assert r[0]["input"] is None
    same = ig_widget.attribute_dataset(
        make_model(),
        make_data(),
        target="label",
        n_steps=6,
        store_inputs=False,
        out=tmp_path / "py",
        progress=False,
    )
    assert torch.equal(r[:]["attributions"], same[:]["attributions"])


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ("no_colon", "must be 'module:function'"),
        ("not_a_module_xyz:f", "cannot import 'not_a_module_xyz'"),
        ("tests.dataset.factories:nothing", "has no attribute 'nothing'"),
        ("tests.dataset.factories:N_EXAMPLES", "is not callable"),
    ],
)
def test_bad_factory_names_say_what_to_give(spec, match):
    with pytest.raises((ValueError, TypeError), match=match):
        load_factory(spec, "model")


def test_bad_target_on_the_command_line(capsys):
    with pytest.raises(SystemExit):
        main(["--model", "a:b", "--data", "c:d", "--out", "x", "--target", "best"])
    assert "give 'predicted', 'label', a class index or 'none'" in capsys.readouterr().err


def test_progress_bar_counts_examples_per_second(tmp_path, capsys):
    ig_widget.attribute_dataset(
        make_model(), make_data(), n_steps=4, out=tmp_path, batch_size=8, progress=True
    )
    err = capsys.readouterr().err
    assert f"{N_EXAMPLES}/{N_EXAMPLES}" in err and "ex/s" in err


def test_input_device_follows_an_accelerate_device_map():
    class Mapped(torch.nn.Module):
        hf_device_map = {"embed": "cpu", "head": 1}

    assert input_device(Mapped()) == torch.device("cpu")
    Mapped.hf_device_map = {"embed": 0, "head": 1}
    assert input_device(Mapped()) == torch.device("cuda", 0)
    assert input_device(make_model()) == torch.device("cpu")
