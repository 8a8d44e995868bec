"""``%ig`` builds the same widget as ``IGWidget(...)`` with the same settings, and says
clearly what is wrong with a bad line."""

from __future__ import annotations

import pytest
import torch
from IPython.core.error import UsageError
from torch import nn

from ig_widget import IGWidget

TIMEOUT = 30
PUBLIC = (
    "n_steps",
    "method",
    "baseline",
    "path",
    "target",
    "modality",
    "method_options",
    "baseline_options",
    "path_options",
    "top_classes",
)


def assert_same_widget(got: IGWidget, want: IGWidget) -> None:
    for name in PUBLIC:
        assert getattr(got, name) == getattr(want, name), name
    a, b = got.wait(TIMEOUT), want.wait(TIMEOUT)
    assert a.settings == b.settings
    torch.testing.assert_close(a.attributions, b.attributions, rtol=0, atol=0)
    assert a.delta == b.delta and a.output == b.output


class Tabular(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.net = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3))
        self.double().eval()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class Images(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(1)
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4, 5)
        self.eval()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.relu(self.conv(x)).mean(dim=(2, 3)))


class Words(nn.Module):
    """Token ids -> 2 classes through an embedding and mean pooling."""

    def __init__(self, vocab: int) -> None:
        super().__init__()
        torch.manual_seed(2)
        self.emb = nn.Embedding(vocab, 6)
        self.out = nn.Linear(6, 2)
        self.double().eval()

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.out(torch.tanh(self.emb(ids)).mean(1))


@pytest.fixture
def tabular(shell):
    shell.user_ns["model"] = Tabular()
    shell.user_ns["row"] = torch.tensor([0.5, -1.0, 2.0, 0.25, -0.75], dtype=torch.float64)
    return shell.user_ns["model"], shell.user_ns["row"]


def test_plain_magic_equals_the_default_widget(shell, shown, widgets, tabular):
    model, row = tabular
    assert shell.run_line_magic("ig", "model row") is None
    assert len(shown) == 1 and isinstance(shown[0], IGWidget)  # displayed, like display(w)
    assert_same_widget(shown[0], widgets(model, row))


def test_options_reach_the_widget(shell, shown, widgets):
    shell.user_ns["net"] = net = Images()
    shell.user_ns["img"] = img = torch.rand(3, 10, 10, generator=torch.Generator().manual_seed(3))
    shell.run_line_magic(
        "ig", "net img --target 3 --steps 64 --baseline blur --method riemann_trapezoid"
    )
    got = shown[0]
    assert (got.target, got.n_steps, got.baseline, got.method) == (
        3,
        64,
        "blur",
        "riemann_trapezoid",
    )
    want = widgets(net, img, target=3, n_steps=64, baseline="blur", method="riemann_trapezoid")
    assert_same_widget(got, want)


def test_expressions_names_and_wait(shell, shown, widgets, tabular):
    model, row = tabular
    shell.user_ns["cols"] = ["a", "b", "c", "d", "e"]
    shell.user_ns["rows"] = row.unsqueeze(0).repeat(3, 1)
    shell.run_line_magic("ig", "model rows[1] --feature-names cols --name w --wait --steps 7")
    w = shell.user_ns["w"]
    assert w is shown[0]
    assert w.status == "idle" and w.result is not None  # --wait: the result is in
    assert w._payload["names"] == ["a", "b", "c", "d", "e"]
    assert_same_widget(w, widgets(model, row, feature_names=["a", "b", "c", "d", "e"], n_steps=7))


def test_text_with_a_tokenizer_trained_here(shell, shown, widgets):
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    corpus = [
        "the movie was not good",
        "the movie was good",
        "a good film and a bad ending",
        "not bad at all, the acting was good",
    ] * 5
    core = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    core.train_from_iterator(
        corpus, trainers.WordPieceTrainer(vocab_size=80, special_tokens=["[PAD]", "[UNK]"])
    )
    tok = PreTrainedTokenizerFast(tokenizer_object=core, unk_token="[UNK]", pad_token="[PAD]")
    model = Words(len(tok))
    shell.user_ns.update(model=model, tok=tok)
    shell.run_line_magic("ig", 'model "the movie was not good" --tokenizer tok --steps 16')
    got = shown[0]
    assert got.modality == "text"
    ids = tok("the movie was not good", return_tensors="pt")["input_ids"][0]
    tokens = tok.convert_ids_to_tokens(ids.tolist())
    assert tokens == ["the", "movie", "was", "not", "good"]
    got.wait(TIMEOUT)
    assert got._payload["tokens"] == tokens
    assert "pad" in got.baseline_options  # the tokenizer's pad id reached the widget
    want = widgets(model, ids, tokens=tokens, tokenizer=tok, n_steps=16)
    assert_same_widget(got, want)
    # single quotes are text too
    shell.run_line_magic("ig", "model 'the movie was good' --tokenizer tok --steps 16")
    shown[1].wait(TIMEOUT)
    assert shown[1]._payload["tokens"] == ["the", "movie", "was", "good"]


def test_text_without_tokenizer_says_what_to_pass(shell, tabular):
    with pytest.raises(UsageError, match="--tokenizer"):
        shell.run_line_magic("ig", 'model "some text"')


def test_unknown_name_is_a_clear_error(shell, tabular):
    with pytest.raises(UsageError, match=r"x 'rwo'.*not defined.*namespace"):
        shell.run_line_magic("ig", "model rwo")
    with pytest.raises(UsageError, match=r"model 'modle'"):
        shell.run_line_magic("ig", "modle row")
    with pytest.raises(UsageError, match=r"--feature-names 'nope'"):
        shell.run_line_magic("ig", "model row --feature-names nope")


def test_unknown_option_and_bad_values(shell, tabular, shown):
    with pytest.raises(UsageError, match=r"unrecognized arguments: --stpes.*--help"):
        shell.run_line_magic("ig", "model row --stpes 5")
    with pytest.raises(UsageError, match="--steps"):
        shell.run_line_magic("ig", "model row --steps many")
    with pytest.raises(UsageError, match="needs a model and an input"):
        shell.run_line_magic("ig", "model")
    with pytest.raises(UsageError, match="valid variable name"):
        shell.run_line_magic("ig", "model row --name 2w")
    # settings the widget refuses raise its own error, naming the options
    with pytest.raises(Exception, match="riemann_left"):
        shell.run_line_magic("ig", "model row --method simpson")
    assert shown == []


def test_help_lists_the_options(shell, capsys):
    shell.run_line_magic("ig", "--help")
    out = capsys.readouterr().out
    for option in ("--target", "--steps", "--baseline", "--method", "--tokenizer", "--name"):
        assert option in out
    assert "%ig model x" in out


def test_question_mark_shows_the_magic(shell, capsys):
    shell.run_cell("%ig?")
    out = capsys.readouterr().out
    assert "%ig model x" in out and "--tokenizer" in out


def test_unload_removes_the_magic(shell):
    assert "ig" in shell.magics_manager.magics["line"]
    shell.run_line_magic("unload_ext", "ig_widget")
    assert "ig" not in shell.magics_manager.magics["line"]
    with pytest.raises(UsageError, match="not found"):
        shell.run_line_magic("ig", "model row")
    shell.run_line_magic("load_ext", "ig_widget")  # the fixture unloads it again
    assert "ig" in shell.magics_manager.magics["line"]


def test_quoted_option_values_may_hold_spaces(shell, shown, widgets, tabular):
    model, row = tabular
    shell.user_ns["bg"] = bg = torch.randn(20, 5, dtype=torch.float64)
    shell.run_line_magic("ig", 'model row --background bg --baseline "background mean"')
    assert shown[0].baseline == "background mean"
    assert_same_widget(shown[0], widgets(model, row, background=bg, baseline="background mean"))


def test_pad_token_id_gives_the_pad_baseline(shell, shown, widgets):
    shell.user_ns["model"] = model = Words(12)
    shell.user_ns["ids"] = ids = torch.tensor([3, 5, 7])
    shell.run_line_magic("ig", "model ids --pad-token-id 0 --baseline pad --steps 9")
    assert shown[0].baseline == "pad"
    assert_same_widget(shown[0], widgets(model, ids, pad_token_id=0, baseline="pad", n_steps=9))


def test_the_comparison_sees_a_different_setting(shell, shown, widgets, tabular):
    # the check above is not vacuous: one step less is a different widget
    model, row = tabular
    shell.run_line_magic("ig", "model row --steps 8")
    with pytest.raises(AssertionError, match="n_steps"):
        assert_same_widget(shown[0], widgets(model, row, n_steps=7))
    with pytest.raises(AssertionError):
        assert_same_widget(shown[0], widgets(model, row, n_steps=8, target=2))
