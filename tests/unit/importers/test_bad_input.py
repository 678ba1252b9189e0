"""Malformed records are skipped and counted by reason (never a crash); a file that is not the
format at all raises one NotThisFormat naming the file and what was expected."""
from __future__ import annotations

import gzip
import json

import pytest
from unit.importers.support import validate

from assess.importers import halueval, hh_rlhf, llmbar, moderation, mtbench, topicalchat, truthfulqa
from assess.importers.base import NotThisFormat

LONG = "x" * 20_001
GOOD_PAIR = {"input": "Say hi.", "output_1": "Hi!", "output_2": "Goodbye.", "label": 1}
SCORES = {"understandability": 1, "naturalness": 3, "coherence": 3, "engagingness": 2,
          "groundedness": 1, "overall": 4.6666666667}


def _jsonl(records) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n"


def _chat(*turns: str) -> str:
    return "".join(f"\n\n{t}" for t in turns)


CASES = {
    "llmbar": (llmbar.read, "pairs.json", json.dumps([
        GOOD_PAIR,
        {**GOOD_PAIR, "label": 2},
        {k: v for k, v in GOOD_PAIR.items() if k != "label"},
        {**GOOD_PAIR, "label": 7},
        {**GOOD_PAIR, "label": None},
        "not an object",
        {**GOOD_PAIR, "output_2": LONG},
        {**GOOD_PAIR, "output_2": "Hi!"},
        {**GOOD_PAIR, "output_1": ""},
        {"input": "Say hi.", "output_1": "Hi!", "label": 1},
        {**GOOD_PAIR, "input": 42},
    ]), 2, {"missing label": 2, "unknown label 7": 1, "not a JSON object": 1,
            "response longer than 20 000 characters": 1, "identical responses": 1,
            "empty response": 1, "missing response": 1, "input is not text": 1}),
    "mtbench": (mtbench.read, "mt.jsonl", _jsonl([
        GOOD_PAIR, {**GOOD_PAIR, "label": "tie"}, {**GOOD_PAIR, "label": "maybe"},
        "{broken json", [1, 2]]),
        2, {"unknown label 'maybe'": 1, "not valid JSON": 1, "not a JSON object": 1}),
    "hh-rlhf": (hh_rlhf.read, "hh.jsonl.gz", _jsonl([
        {"chosen": _chat("Human: Hi", "Assistant: Hello!"),
         "rejected": _chat("Human: Hi", "Assistant: Go away.")},
        {"chosen": _chat("Human: Hi", "Assistant: Hello!")},
        {"chosen": _chat("Human: Hi", "Assistant: Hello!"),
         "rejected": _chat("Human: Bye", "Assistant: Go away.")},
        {"chosen": _chat("Human: Hi", "Assistant:"),
         "rejected": _chat("Human: Hi", "Assistant: Go away.")},
        {"chosen": _chat("Human: Hi", "Assistant: Same."),
         "rejected": _chat("Human: Hi", "Assistant: Same.")},
        {"chosen": "no turns at all", "rejected": "none here either"},
        "{not json",
    ]), 1, {"missing rejected transcript": 1,
            "chosen and rejected do not share the same dialogue": 1, "empty response": 1,
            "identical responses": 1, "no Assistant turn in a transcript": 1,
            "not valid JSON": 1}),
    "halueval": (halueval.read, "halu.json", _jsonl([
        {"knowledge": "K.", "question": "Q?", "right_answer": "R", "hallucinated_answer": "H"},
        {"knowledge": "K.", "question": "Q?", "right_answer": "R"},
        {"knowledge": "K.", "question": "Q?", "right_answer": "Same",
         "hallucinated_answer": "same"},
        {"ID": "1", "user_query": "U", "chatgpt_response": "C", "hallucination": "no"},
        {"ID": "2", "user_query": "U", "chatgpt_response": "C"},
        {"ID": "3", "user_query": "U", "chatgpt_response": "C", "hallucination": "perhaps"},
        {"ID": "4", "user_query": "U", "chatgpt_response": LONG, "hallucination": "yes"},
        {"something": "else"},
    ]), 2, {"missing hallucinated answer": 1, "identical answers": 1, "missing label": 1,
            "unknown label 'perhaps'": 1, "response longer than 20 000 characters": 1,
            "neither a QA nor a general record": 1}),
    "truthfulqa": (truthfulqa.read, "tqa.csv",
                   "Type,Category,Question,Best Answer,Correct Answers,Incorrect Answers,Source\n"
                   "Adversarial,Misc,Is it?,Yes,Yes,No; Nope,https://example.org\n"
                   "Adversarial,Misc,,Yes,Yes,No,\n"
                   "Adversarial,Misc,Is it?,,Yes,No,\n"
                   "Adversarial,Misc,Is it?,Yes,Yes,,\n"
                   "Adversarial,Misc,Is it?,Yes,Yes,yes,\n"
                   f"Adversarial,Misc,Is it?,{LONG},Yes,No,\n",
                   1, {"missing question": 1, "missing best answer": 1,
                       "no incorrect answers": 2, "answer longer than 20 000 characters": 1}),
    "topicalchat": (topicalchat.read, "tc.json", json.dumps(
        [{"source": "hi\nhello\n", "context": "fact", "system_output": f"reply {i}",
          "scores": {**SCORES, "overall": 1 + i}} for i in range(3)]
        + [{"source": "hi\nhello\n", "context": "fact", "system_output": "odd",
            "scores": {**SCORES, "overall": 9}},
           {"source": "hi\nhello\n", "context": "fact", "system_output": "odd",
            "scores": {k: v for k, v in SCORES.items() if k != "coherence"}},
           {"source": "hi\nhello\n", "context": "fact", "system_output": "",
            "scores": SCORES},
           {"source": "other\n", "context": "fact", "system_output": "one", "scores": SCORES},
           {"source": "", "context": "fact", "system_output": "one", "scores": SCORES}]),
        5, {"score 'overall' outside 1–5": 1, "missing score 'coherence'": 1,
            "missing response": 1, "missing dialogue (source)": 1,
            "ranking not built: 1 distinct replies in a context (3–6 needed)": 1}),
    "moderation": (moderation.read, "mod.jsonl", _jsonl([
        {"prompt": "Some text.", "S": 0, "H": 1, "V": 0},
        {"prompt": "Some text.", "S": 0, "H": 2},
        {"prompt": "Some text.", "S3": 1},
        {"prompt": "", "S": 0, "H": 0},
        {"S": 0, "H": 0},
        {"prompt": LONG, "S": 0, "H": 0},
    ]), 1, {"category value other than 0 or 1": 1, "fewer than two categories annotated": 1,
            "empty text": 1, "missing text": 1, "text longer than 20 000 characters": 1}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_records_are_skipped_with_their_reasons(name, tmp_path):
    reader, filename, content, items, skipped = CASES[name]
    path = tmp_path / filename
    if filename.endswith(".gz"):
        path.write_bytes(gzip.compress(content.encode()))
    else:
        path.write_text(content, encoding="utf-8")
    result = reader(path, sample=None, seed=0, id_prefix="bad")
    assert dict(result.skipped) == skipped
    assert len(result.items) == items
    if name != "topicalchat":  # topicalchat counts a context's ranking too
        assert result.total == items + sum(skipped.values())
    validate(result, tmp_path)


WRONG = {
    "csv": ("data.csv", "Question,Best Answer\nWhy?,Because\n"),
    "text": ("notes.txt", "just some words\nover two lines\n"),
    "object": ("object.json", '{"input": "a", "output_1": "b", "output_2": "c", "label": 1,'
                              '\n "more": true}'),
    "other-shape": ("other.json", json.dumps([{"question": "Q", "answer": "A"}])),
    "binary": ("blob.bin", None),
    "empty": ("empty.json", ""),
}
READERS = {"llmbar": llmbar.read, "mtbench": mtbench.read, "hh-rlhf": hh_rlhf.read,
           "halueval": halueval.read, "topicalchat": topicalchat.read,
           "moderation": moderation.read, "truthfulqa": truthfulqa.read}


@pytest.mark.parametrize("fmt", sorted(READERS))
@pytest.mark.parametrize("kind", sorted(WRONG))
def test_a_file_of_another_shape_is_one_clear_error(fmt, kind, tmp_path):
    if fmt == "truthfulqa" and kind == "csv":
        kind = "other-shape"  # a CSV is the right kind of file for truthfulqa
    filename, content = WRONG[kind]
    path = tmp_path / filename
    if content is None:
        path.write_bytes(bytes(range(256)) * 4)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(NotThisFormat) as error:
        READERS[fmt](path, sample=None, seed=0, id_prefix="x")
    message = str(error.value)
    assert str(path) in message and "expected" in message


def test_the_real_files_are_refused_by_the_other_json_formats():
    """Each JSON format refuses the others' real files (a CSV given to a JSON format too)."""
    from helpers import SHARED_DATA

    files = {"llmbar": SHARED_DATA / "llmbar" / "llmbar_natural.json",
             "hh-rlhf": SHARED_DATA / "hh-rlhf" / "harmless-base-test.jsonl.gz",
             "moderation": SHARED_DATA / "openai-moderation" / "samples-1680.jsonl.gz",
             "truthfulqa": SHARED_DATA / "truthfulqa" / "TruthfulQA.csv",
             "halueval": SHARED_DATA / "halueval" / "qa_one-turn_data.json",
             "topicalchat": SHARED_DATA / "unieval-topicalchat" / "topical_chat.json"}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        print(f"dataset files not available: {missing}")
        pytest.skip(f"dataset files not available: {missing}")
    for fmt, reader in READERS.items():
        for owner, path in files.items():
            if owner == fmt or (fmt, owner) == ("mtbench", "llmbar"):  # the same shape
                continue
            with pytest.raises(NotThisFormat):
                reader(path, sample=1, seed=0, id_prefix="x")


@pytest.mark.parametrize("fmt", sorted(set(READERS) - {"truthfulqa"}))
def test_json_nested_too_deeply_is_one_clear_error(fmt, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(NotThisFormat, match="not JSON or JSON Lines"):
        READERS[fmt](path, sample=None, seed=0, id_prefix="x")


def test_out_of_range_numbers_are_skipped_not_a_crash(tmp_path):
    huge = int("9" * 400)  # too large for a float
    pairs = tmp_path / "pairs.json"
    pairs.write_text(json.dumps([GOOD_PAIR, {**GOOD_PAIR, "label": "1" * 5000},
                                 {**GOOD_PAIR, "label": "²"}]))
    result = llmbar.read(pairs, sample=None, seed=0, id_prefix="x")
    assert len(result.items) == 1 and sum(result.skipped.values()) == 2
    chat = tmp_path / "tc.json"
    chat.write_text(json.dumps([{"source": "hi\nhello\n", "context": "fact",
                                 "system_output": "reply", "scores": {**SCORES, "overall": huge}}]))
    result = topicalchat.read(chat, sample=None, seed=0, id_prefix="x")
    assert dict(result.skipped) == {"score 'overall' outside 1–5": 1}
