"""MT-Bench human judgments as repackaged by LLMBar (``processed_mt_bench.json``: the LLMBar
record shape, label = the judges' majority vote) → pairwise items. Ties, if a file has them
("tie", "equal", 0 or 3), become gold ``equal`` with ``allow_equal: true``; LLMBar's copy has
them removed. See ``llmbar`` for the shared reader."""
from __future__ import annotations

from .base import ImportResult
from .llmbar import _read


def read(path, *, sample: int | None, seed: int, id_prefix: str) -> ImportResult:
    return _read(path, sample=sample, seed=seed, id_prefix=id_prefix, mtbench=True)
