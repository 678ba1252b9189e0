"""`flask --app assess banks to-qti BANK_FILE --out DIR [--item ID …]`."""
import yaml
from defusedxml import ElementTree as SafeET
from helpers import BANKS

from assess.importers import qti

STARTER = BANKS / "starter.yaml"


def starter_items():
    return yaml.safe_load(STARTER.read_text(encoding="utf-8"))["items"]


def test_to_qti_writes_every_exportable_item_and_says_what_it_skipped(runner, tmp_path):
    out = tmp_path / "qti"
    result = runner.invoke(args=["banks", "to-qti", str(STARTER), "--out", str(out)])
    assert result.exit_code == 0, result.output
    items = starter_items()
    exportable = [i for i in items if i["type"] in ("choice", "ranking", "rewrite")]
    others = [i for i in items if i not in exportable]
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{i['id']}.xml" for i in exportable)
    assert (f"skipped {others[0]['id']}: {others[0]['type']} items have no QTI 3.0 "
            f"equivalent here") in result.output
    assert f"Wrote {len(exportable)} QTI 3.0 item file(s) to {out}; skipped {len(others)} " \
           "item(s)." in result.output
    justified = next(i for i in exportable if i.get("justification"))
    assert f"note {justified['id']}: justification left out" in result.output
    for path in out.iterdir():  # well-formed QTI 3.0
        root = SafeET.fromstring(path.read_bytes())
        assert root.tag == "{http://www.imsglobal.org/xsd/imsqtiasi_v3p0}qti-assessment-item"
    back = {i["id"]: i for i in qti.read(out, sample=None, seed=0, id_prefix="").items}
    assert set(back) == {i["id"] for i in exportable}
    for item in exportable:
        if item["type"] != "rewrite":
            assert back[item["id"]]["gold"] == item["gold"]
        assert back[item["id"]]["prompt"] == item["prompt"].strip()


def test_to_qti_with_item_ids(runner, tmp_path):
    choice = next(i["id"] for i in starter_items() if i["type"] == "choice")
    pairwise = next(i["id"] for i in starter_items() if i["type"] == "pairwise")
    result = runner.invoke(args=["banks", "to-qti", str(STARTER), "--out", str(tmp_path / "a"),
                                 "--item", choice, "--item", pairwise])
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "a").iterdir()] == [f"{choice}.xml"]
    assert f"skipped {pairwise}: pairwise items" in result.output

    only_pairwise = runner.invoke(args=["banks", "to-qti", str(STARTER), "--out",
                                        str(tmp_path / "b"), "--item", pairwise])
    assert only_pairwise.exit_code != 0 and "no exportable item" in only_pairwise.output
    assert not (tmp_path / "b").exists()

    unknown = runner.invoke(args=["banks", "to-qti", str(STARTER), "--out",
                                  str(tmp_path / "c"), "--item", "no-such-item"])
    assert unknown.exit_code != 0 and "has no item no-such-item" in unknown.output
    assert not (tmp_path / "c").exists()


def test_to_qti_refuses_an_invalid_bank(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("bank: bad\ntitle: Bad\ndomain: general\nitems:\n"
                   "  - {id: two, type: choice, prompt: P, options: [{id: a, text: A}], "
                   "gold: [b]}\n")
    result = runner.invoke(args=["banks", "to-qti", str(bad), "--out", str(tmp_path / "q")])
    assert result.exit_code != 0
    assert "item 'two': field 'explanation'" in result.output
    assert "not a valid bank file; nothing written" in result.output
    assert not (tmp_path / "q").exists()


def test_to_qti_into_an_unwritable_folder_is_one_clear_error(runner, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    out = blocker / "qti"
    result = runner.invoke(args=["banks", "to-qti", str(STARTER), "--out", str(out)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"cannot write to {out}" in result.output
