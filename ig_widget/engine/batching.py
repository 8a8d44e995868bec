"""How many path points go through the model at once, and what to do when memory runs out.

``internal_batch_size`` given: captum's meaning, rows per forward pass, so
``max(1, internal_batch_size // batch)`` steps per chunk.
``internal_batch_size=None``: we choose. On CUDA from the device's free memory, first
with a generous guess of memory per row, then from what the first chunk actually took;
on the CPU a cap on the input elements of a chunk, which keeps activation memory of
image models to a few GB.
Either way an out-of-memory error halves the chunk and retries that chunk only: chunks
already finished are kept.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TypeVar

import torch

#: input elements per chunk on the CPU when the user does not set internal_batch_size:
#: 2**22 float32 values is 16 MiB of inputs, e.g. 27 rows of 3x224x224.
CPU_CHUNK_ELEMENTS = 2**22
#: before anything is measured on CUDA, guess a chunk's memory as this many times its
#: input bytes (activations kept for backward; ResNet-style image models need ~100-200)
CUDA_GUESS_FACTOR = 256
#: share of free CUDA memory a chunk may use
CUDA_MEMORY_SHARE = 0.6

T = TypeVar("T")


class ChunkPlanner:
    """Hands out steps per chunk; learns from CUDA memory use and from OOM errors."""

    def __init__(
        self,
        n_steps: int,
        batch: int,
        row_elements: int,
        device: torch.device,
        internal_batch_size: int | None,
    ) -> None:
        self.n_steps = n_steps
        self.batch = batch
        self.device = device
        self.user_set = internal_batch_size is not None
        self.on_cuda = device.type == "cuda"
        self.measured = False
        if internal_batch_size is not None:
            self.steps = max(1, int(internal_batch_size) // batch)
        elif self.on_cuda:
            free, _ = torch.cuda.mem_get_info(device)
            row_bytes = row_elements * batch * 4 * CUDA_GUESS_FACTOR
            self.steps = max(1, int(free * CUDA_MEMORY_SHARE) // max(1, row_bytes))
        else:
            self.steps = max(1, CPU_CHUNK_ELEMENTS // max(1, row_elements * batch))
        self.steps = min(self.steps, n_steps)

    def run(self, start: int, fn: Callable[[int, int], T]) -> tuple[T, int]:
        """Run ``fn(start, stop)`` for the next chunk; returns (result, stop).

        On an out-of-memory error the chunk is halved and tried again.
        """
        while True:
            stop = min(start + self.steps, self.n_steps)
            measure = self.on_cuda and not self.user_set and not self.measured
            if measure:
                torch.cuda.synchronize(self.device)
                torch.cuda.reset_peak_memory_stats(self.device)
                base = torch.cuda.memory_allocated(self.device)
            try:
                result = fn(start, stop)
            except Exception as err:  # noqa: BLE001 - only OOM is handled, others re-raised
                if not is_out_of_memory(err):
                    raise
                reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
                del err  # its traceback holds the failed chunk's tensors
                release_memory(self.device)
                if stop - start <= 1:
                    raise MemoryError(
                        f"Out of memory even with one path step per forward pass "
                        f"({self.batch} row(s) of the model, plus {2 * self.batch} for F(x) "
                        f"and F(x') in the first pass, on {self.device}): {reason}. Use a "
                        "smaller batch or input, or free memory on the device."
                    ) from None
                self.steps = max(1, (stop - start) // 2)
                continue
            if measure:
                self._learn_from_peak(
                    torch.cuda.max_memory_allocated(self.device) - base, stop - start
                )
            return result, stop

    def _learn_from_peak(self, used: int, steps: int) -> None:
        self.measured = True
        per_step = max(1, used // max(1, steps))
        free, _ = torch.cuda.mem_get_info(self.device)
        fits = int(free * CUDA_MEMORY_SHARE) // per_step
        self.steps = max(1, min(self.n_steps, fits))


def is_out_of_memory(err: BaseException) -> bool:
    if isinstance(err, torch.cuda.OutOfMemoryError) or isinstance(err, MemoryError):
        return True
    text = str(err)
    return isinstance(err, RuntimeError) and (
        "out of memory" in text or "can't allocate memory" in text or "not enough memory" in text
    )


#: callables that drop a module's caches of tensors; ``release_memory`` calls them
ON_RELEASE: list[Callable[[], None]] = []


def release_memory(device: torch.device) -> None:
    """Give memory back after an out-of-memory error: the engine's caches of tensors,
    Python's garbage, and on CUDA the allocator's cached blocks."""
    for clear in ON_RELEASE:
        clear()
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()
