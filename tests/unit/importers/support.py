"""Shared by the importer tests: the real dataset files (read in place) and a loader check."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SHARED_DATA

from assess.banks import loader
from assess.importers.writer import bank_yaml

FILES = {
    "llmbar": SHARED_DATA / "llmbar" / "llmbar_natural.json",
    "llmbar-adversarial": SHARED_DATA / "llmbar" / "llmbar_adversarial_neighbor.json",
    "mtbench": SHARED_DATA / "llmbar" / "processed_mt_bench.json",
    "hh-rlhf": SHARED_DATA / "hh-rlhf" / "harmless-base-test.jsonl.gz",
    "halueval-qa": SHARED_DATA / "halueval" / "qa_one-turn_data.json",
    "halueval-general": SHARED_DATA / "halueval" / "general_data.json.gz",
    "truthfulqa": SHARED_DATA / "truthfulqa" / "TruthfulQA.csv",
    "topicalchat": SHARED_DATA / "unieval-topicalchat" / "topical_chat.json",
    "moderation": SHARED_DATA / "openai-moderation" / "samples-1680.jsonl.gz",
}


def dataset(name: str) -> Path:
    """The dataset file, or skip the test (with the reason printed) when it is absent."""
    path = FILES[name]
    if not path.is_file():
        message = f"dataset file not available: {path}"
        print(message)
        pytest.skip(message)
    return path


def validate(result, tmp_path: Path, bank: str = "imported-test") -> loader.BankSpec:
    """Write the result as a bank and load it with the real bank loader: no errors allowed."""
    path = tmp_path / f"{bank}.yaml"
    path.write_text(bank_yaml(result, bank=bank), encoding="utf-8")
    loaded = loader.load([path])
    assert [str(e) for e in loaded.errors] == []
    assert len(loaded.banks) == 1 and len(loaded.banks[0].items) == len(result.items)
    return loaded.banks[0]


def by_id(result) -> dict:
    return {item["id"]: item for item in result.items}


def response(item: dict, choice: str) -> str:
    return next(r["text"] for r in item["responses"] if r["id"] == choice)


def option(item: dict, ident: str) -> str:
    return next(o["text"] for o in item["options"] if o["id"] == ident)
