"""Splitting a data-set run over the processes of a ``torch.distributed`` job.

The same code serves one process, N processes on one machine (``torchrun
--nproc_per_node=N``) and several machines: rank ``r`` of ``world`` takes shards
``k`` with ``k % world == r``, writes them under its own file names, and after a barrier
rank 0 merges every process's index into one. Nothing but the barrier travels between
processes (no tensors are gathered), so the gloo backend on CPUs and nccl on GPUs work
alike, and a slow or failed process costs only its own unfinished shards.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Group:
    rank: int
    world: int

    @property
    def active(self) -> bool:
        return self.world > 1

    def barrier(self) -> None:
        if self.active:
            torch.distributed.barrier()

    def owns(self, shard: int) -> bool:
        return shard % self.world == self.rank


def current_group() -> Group:
    """This process's place in an initialised ``torch.distributed`` job, else (0, 1)."""
    dist = torch.distributed
    if dist.is_available() and dist.is_initialized():
        return Group(dist.get_rank(), dist.get_world_size())
    return Group(0, 1)


def init_from_environment(backend: str | None = None) -> bool:
    """Join the job that ``torchrun`` describes in the environment (``WORLD_SIZE`` > 1).

    Returns True when this call created the process group (the caller destroys it).
    Picks nccl when CUDA is there, else gloo, and puts this process on GPU
    ``LOCAL_RANK``.
    """
    dist = torch.distributed
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1 or dist.is_initialized():
        return False
    if backend is None:
        backend = "nccl" if torch.cuda.is_available() else "gloo"
    if torch.cuda.is_available():
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    dist.init_process_group(backend=backend)
    return True


def local_device() -> torch.device:
    """The device this process should use: its own GPU under torchrun, else the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
    return torch.device("cpu")
