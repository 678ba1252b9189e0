"""The dataset formats ``flask --app assess banks from-dataset`` knows.

Each format is a function ``read(path, *, sample, seed, id_prefix) -> ImportResult`` (see
``base``). To add a format, import its module below and add one line to ``FORMATS``; the CLI's
choices and ``--help`` follow this dict.
"""
from __future__ import annotations

from typing import Callable

from . import halueval, hh_rlhf, llmbar, moderation, mtbench, qti, topicalchat, truthfulqa
from .base import ImportResult

Reader = Callable[..., ImportResult]

FORMATS: dict[str, Reader] = {
    "llmbar": llmbar.read,
    "mtbench": mtbench.read,
    "hh-rlhf": hh_rlhf.read,
    "halueval": halueval.read,
    "truthfulqa": truthfulqa.read,
    "topicalchat": topicalchat.read,
    "moderation": moderation.read,
    "qti": qti.read,
}

# Formats whose data holds offensive text: written under instance/imported/ unless --out says
# otherwise, with a warning.
OFFENSIVE = frozenset({"hh-rlhf", "moderation"})
