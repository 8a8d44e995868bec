"""Chunking: model calls counted, out-of-memory handled by halving, results unchanged."""

import torch

from ig_widget import IntegratedGradients
from ig_widget.engine import batching

D = torch.float64


class Counting(torch.nn.Module):
    def __init__(self, fail_above=None):
        super().__init__()
        torch.manual_seed(0)
        self.lin = torch.nn.Linear(6, 3).double()
        self.rows = []
        self.fail_above = fail_above

    def forward(self, x):
        if self.fail_above is not None and x.shape[0] > self.fail_above:
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB (simulated)")
        self.rows.append(x.shape[0])
        return torch.tanh(self.lin(x))


def test_one_forward_for_the_whole_path_when_it_fits(guard):
    m = guard(Counting())
    IntegratedGradients(m).attribute(torch.randn(2, 6, dtype=D), target=0, n_steps=50)
    # 50 path rows per example plus F(x) and F(x') for the delta, in a single call
    assert m.rows == [2 * 52]


def test_internal_batch_size_splits_steps_like_captum(guard):
    m = guard(Counting())
    IntegratedGradients(m).attribute(
        torch.randn(2, 6, dtype=D), target=0, n_steps=10, internal_batch_size=8
    )
    assert m.rows == [2 * 4 + 4, 8, 4]


def test_out_of_memory_halves_the_chunk_and_keeps_finished_work(guard):
    x = torch.randn(3, 6, dtype=D)
    ref = IntegratedGradients(Counting()).attribute(x, target=2, n_steps=40)
    m = guard(Counting(fail_above=30))
    out = IntegratedGradients(m).attribute(x, target=2, n_steps=40, internal_batch_size=120)
    torch.testing.assert_close(out, ref, rtol=1e-12, atol=1e-14)
    assert max(m.rows) <= 30 and sum(m.rows) == 3 * 42


def test_out_of_memory_at_one_step_says_so():
    m = Counting(fail_above=0)
    try:
        IntegratedGradients(m).attribute(torch.randn(1, 6, dtype=D), target=0, n_steps=4)
    except MemoryError as e:
        assert "one path step" in str(e)
    else:
        raise AssertionError("expected MemoryError")


def test_cpu_chunks_are_capped_by_input_size():
    p = batching.ChunkPlanner(1000, 1, 3 * 224 * 224, torch.device("cpu"), None)
    assert 10 <= p.steps <= 64
    p = batching.ChunkPlanner(50, 1, 100, torch.device("cpu"), None)
    assert p.steps == 50


def test_other_errors_pass_through():
    def broken(x):
        raise KeyError("inside forward")

    try:
        IntegratedGradients(broken).attribute(torch.randn(1, 3), n_steps=4)
    except KeyError as e:
        assert "inside forward" in str(e)
    else:
        raise AssertionError


def test_large_inputs_take_the_endpoints_in_a_separate_pass_without_graph(guard):
    class Pool(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.rows, self.grad_enabled = [], []

        def forward(self, x):
            self.rows.append(x.shape[0])
            self.grad_enabled.append(torch.is_grad_enabled())
            return torch.tanh(
                x.flatten(1).mean(1, keepdim=True) * torch.arange(1, 4, dtype=x.dtype)
            )

    m = guard(Pool())
    x = torch.rand(1, 3, 80, 80, dtype=D)  # 19,200 elements: above the folding limit
    attr, delta = IntegratedGradients(m).attribute(
        x, target=2, n_steps=20, return_convergence_delta=True
    )
    assert m.rows == [2, 20] and m.grad_enabled == [False, True]
    assert abs(delta.item()) < 1e-6
    m.rows.clear()
    IntegratedGradients(m).attribute(x[:, :, :8, :8], target=2, n_steps=20)
    assert m.rows == [22]
