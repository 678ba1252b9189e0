"""QTI 3.0 import and export (assess.importers.qti).

The five feyst items are read in place from /work/shared/data/qti3-feyst (skipped, with the
reason, when that folder is absent). No QTI 3.0 XSD is available offline, so exported files
are checked for well-formedness, the namespace and the shape of the feyst samples, not
validated against the schema.
"""
import zipfile
from collections import Counter

import pytest
import yaml
from defusedxml import ElementTree as SafeET
from helpers import BANKS, SHARED_DATA

from assess.importers import qti
from assess.importers.base import NotThisFormat
from assess.items.rewrite import EXTENDED_TEXT_REASON, REWRITE_RUBRIC

FEYST = SHARED_DATA / "qti3-feyst"
NS = "{http://www.imsglobal.org/xsd/imsqtiasi_v3p0}"
COMPARED = ("type", "title", "prompt", "response", "guidance", "reference", "multiple",
            "shuffle", "gold", "explanation")


@pytest.fixture
def feyst():
    if not (FEYST / "keuze.xml").is_file():
        pytest.skip(f"the QTI 3.0 samples are not available: {FEYST} is missing")
    return FEYST


def starter():
    return yaml.safe_load((BANKS / "starter.yaml").read_text(encoding="utf-8"))


def read(path, prefix="t"):
    return qti.read(path, sample=None, seed=0, id_prefix=prefix)


def choices_of(item):
    return [(o["id"], o["text"].strip()) for o in item.get("options") or item["responses"]]


def fields(item):
    """The fields a round trip must keep (Markdown compared without trailing newlines)."""
    out = {k: item[k].strip() if isinstance(item.get(k), str) else item.get(k)
           for k in COMPARED}
    out["gold"] = [item["gold"]] if isinstance(item.get("gold"), str) else item.get("gold")
    out["choices"] = choices_of(item) if item["type"] != "rewrite" else None
    return out


def round_trip(bank, tmp_path, ids=None):
    export = qti.write(bank, ids)
    folder = tmp_path / "qti"
    folder.mkdir(exist_ok=True)
    for name, xml in export.items():
        (folder / name).write_text(xml, encoding="utf-8")
    return export, {i["id"]: i for i in read(folder, prefix="").items}


def item_xml(interaction, declaration="", extra="", title="T"):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
    identifier="x1" title="{title}" adaptive="false" time-dependent="false">
  {declaration}
  <qti-item-body>{interaction}</qti-item-body>
  {extra}
</qti-assessment-item>"""


# ---- the five feyst items ------------------------------------------------------------------

def test_keuze_single_choice_with_modal_feedback(feyst):
    result = read(feyst / "keuze.xml", prefix="feyst")
    assert (result.total, len(result.items), sum(result.skipped.values())) == (1, 1, 0)
    item = result.items[0]
    assert item["id"] == "feyst-keuze" and item["type"] == "choice"
    assert item["title"] == "Hoofdstad"
    assert item["prompt"] == "Wat is de hoofdstad van Nederland?"
    assert choices_of(item) == [("A", "Den Haag"), ("B", "Amsterdam"), ("C", "Rotterdam")]
    assert item["gold"] == ["B"] and "multiple" not in item and "shuffle" not in item
    assert item["explanation"] == ("Goed: Amsterdam is de hoofdstad.\n\nHelaas: de regering "
                                   "zetelt in Den Haag, maar Amsterdam is de hoofdstad.")
    assert item["tags"] == ["qti", "keuze"] and item["skills"] == ["judgment"]
    # The image is dropped from the prompt and reported, not silently lost.
    assert result.warnings == Counter({"an image was left out: ../media/kaart.png (keuze.xml)": 1})
    assert "kaart.png" in result.description


def test_meerkeuze_multiple_response_with_an_equivalent_mapping(feyst):
    result = read(feyst / "meerkeuze.xml")
    assert (result.total, len(result.items)) == (1, 1)
    item = result.items[0]
    assert item["type"] == "choice" and item["multiple"] is True
    assert item["prompt"] == "Welke provincies grenzen aan de Noordzee?"
    assert [o["id"] for o in item["options"]] == ["ZH", "UT", "NH", "ZE"]
    assert item["gold"] == ["ZH", "NH", "ZE"]
    assert item["shuffle"] is False  # shuffle="false" in the source
    # +1 per right pick, −1 per wrong one, floored at 0 out of 3 is exactly how assess grades
    # multiple choice, so the explanation carries no "weights not kept" note.
    assert "Note" not in item["explanation"] and len(item["explanation"]) >= 40
    assert "Zuid-Holland; Noord-Holland; Zeeland" in item["explanation"]


def test_meerkeuze_with_other_weights_or_all_or_nothing_says_so(feyst, tmp_path):
    source = (feyst / "meerkeuze.xml").read_text(encoding="utf-8")
    weighted = tmp_path / "weighted.xml"
    weighted.write_text(source.replace('map-key="UT" mapped-value="-1"',
                                       'map-key="UT" mapped-value="-0.5"'), encoding="utf-8")
    item = read(weighted).items[0]
    assert "own mapping, which was not kept" in item["explanation"]
    strict = tmp_path / "strict.xml"
    strict.write_text(source.replace("map_response.xml", "match_correct.xml"), encoding="utf-8")
    item = read(strict).items[0]
    assert "credit only for exactly the right set" in item["explanation"]


def test_volgorde_order_interaction_becomes_a_ranking(feyst):
    result = read(feyst / "volgorde.xml")
    item = result.items[0]
    assert item["type"] == "ranking"
    assert item["prompt"] == "Zet de steden van noord naar zuid."
    assert choices_of(item) == [("GRO", "Groningen"), ("UTR", "Utrecht"),
                                ("MAA", "Maastricht")]
    assert item["gold"] == {"order": ["GRO", "UTR", "MAA"]}
    assert "“Groningen”, then “Utrecht”, then “Maastricht”" in item["explanation"]


def test_open_extended_text_is_skipped_with_its_reason(feyst):
    result = read(feyst / "open.xml")
    assert result.items == [] and result.total == 1
    assert result.skipped == Counter({EXTENDED_TEXT_REASON: 1})
    assert EXTENDED_TEXT_REASON == ("extended text has no assess equivalent: graded by "
                                    "people without a text to rewrite")


def test_tekstselectie_hottext_becomes_a_choice_among_the_spans(feyst):
    item = read(feyst / "tekstselectie.xml").items[0]
    assert item["type"] == "choice"
    assert item["prompt"] == ("Klik op het woord dat niet klopt.\n\nDe Waddenzee ligt in het "
                              "**noorden** van Nederland en\ngrenst aan **België**.")
    assert choices_of(item) == [("N", "noorden"), ("B", "België")]
    assert item["gold"] == ["B"] and "multiple" not in item
    assert item["shuffle"] is False  # the spans keep their order in the passage


def test_the_folder_counts_and_validates_through_the_real_loader(feyst, tmp_path, app):
    from assess.services.banks import validate_paths

    result = read(feyst, prefix="feyst")
    assert result.total == 5 and len(result.items) == 4
    assert result.skipped == Counter({EXTENDED_TEXT_REASON: 1})
    assert [i["id"] for i in result.items] == ["feyst-keuze", "feyst-meerkeuze",
                                               "feyst-tekstselectie", "feyst-volgorde"]
    assert all(len(i["explanation"]) >= 40 for i in result.items)
    bank = {"bank": "feyst", "title": "QTI samples", "domain": "general",
            "items": result.items}
    (tmp_path / "feyst.yaml").write_text(yaml.safe_dump(bank, allow_unicode=True),
                                         encoding="utf-8")
    with app.app_context():
        loaded = validate_paths([tmp_path / "feyst.yaml"])
    assert loaded.errors == [] and len(loaded.banks[0].items) == 4


def test_sampling_keeps_the_requested_number(feyst):
    result = qti.read(feyst, sample=2, seed=3, id_prefix="s")
    assert len(result.items) == 2 and result.available == 4 and result.total == 5
    again = qti.read(feyst, sample=2, seed=3, id_prefix="s")
    assert [i["id"] for i in again.items] == [i["id"] for i in result.items]


def test_feyst_read_write_read_gives_the_same_items(feyst, tmp_path):
    first = read(feyst, prefix="feyst").items
    export, second = round_trip({"items": first}, tmp_path)
    assert export.skipped == {} and len(export) == 4
    for item in first:
        again = second[item["id"]]
        assert fields(again) == fields(item), item["id"]
        assert again["skills"] == item["skills"]


# ---- round trips of our own items ----------------------------------------------------------

def test_starter_choice_and_ranking_items_survive_a_round_trip(tmp_path):
    bank = starter()
    wanted = [i for i in bank["items"] if i["type"] in ("choice", "ranking")]
    assert len(wanted) >= 4
    export, back = round_trip(bank, tmp_path)
    for item in wanted:
        again = back[item["id"]]
        assert again["type"] == item["type"]
        assert again["prompt"] == item["prompt"].strip(), item["id"]
        assert choices_of(again) == choices_of(item), item["id"]
        assert again["gold"] == item["gold"], item["id"]
        assert again.get("multiple", False) == item.get("multiple", False)
        assert again.get("shuffle", True) == item.get("shuffle", True)
        assert again["explanation"] == item["explanation"].strip(), item["id"]


def test_tied_ranking_gold_survives_through_the_response_processing(tmp_path):
    item = {"id": "tie-1", "type": "ranking", "prompt": "Rank them.", "explanation": "x" * 40,
            "responses": [{"id": i, "text": f"Answer {i}"} for i in ("a", "b", "c", "d")],
            "gold": {"order": ["a", ["b", "d"], "c"]}}
    export, back = round_trip({"items": [item]}, tmp_path)
    root = SafeET.fromstring(export["tie-1.xml"].encode())
    assert root.find(f"{NS}qti-response-processing").get("template") is None
    assert len(root.findall(f".//{NS}qti-ordered")) == 2  # a-b-d-c and a-d-b-c
    assert back["tie-1"]["gold"] == {"order": ["a", ["b", "d"], "c"]}


def test_a_constructed_multiple_choice_item_survives_a_round_trip(tmp_path):
    item = {
        "id": "multi-1", "type": "choice", "title": "Pick the *safe* ones & more",
        "prompt": "Which of these are safe?\n\n- *one*, with `code_here`\n- **two** & "
                  "snake_case 2 * 3\n\n1\\. not a list; a \\*literal\\* star",
        "multiple": True, "shuffle": False,
        "options": [{"id": "a", "text": "Alpha <b>"}, {"id": "b", "text": "Beta [x] *y* z_"},
                    {"id": "c", "text": "Gamma\n\nsecond paragraph"}],
        "gold": ["a", "c"],
        "explanation": "Alpha and Gamma are safe; Beta is not, because of its brackets.",
    }
    export, back = round_trip({"items": [item]}, tmp_path)
    again = back["multi-1"]
    # Emphasis comes back as *…* whichever marker it was written with (same rendering).
    assert fields(again) == fields(item)
    root = SafeET.fromstring(export["multi-1.xml"].encode())
    declaration = root.find(f"{NS}qti-response-declaration")
    assert declaration.get("cardinality") == "multiple"
    weights = {e.get("map-key"): e.get("mapped-value")
               for e in declaration.iter(f"{NS}qti-map-entry")}
    assert weights == {"a": "1", "b": "-1", "c": "1"}
    assert root.find(f"{NS}qti-response-processing").get("template") == qti.MAP_RESPONSE
    assert "Note" not in again["explanation"]  # the mapping is our own grading


def test_starter_rewrite_items_survive_a_round_trip(tmp_path):
    bank = starter()
    rewrites = [i for i in bank["items"] if i["type"] == "rewrite"]
    export, back = round_trip(bank, tmp_path)
    for item in rewrites:
        again = back[item["id"]]
        assert fields(again) == fields(item), item["id"]
        assert again["rubric"] == "rewrite" and again["skills"] == ["rewriting"]
        assert "min_chars and max_chars left out (the defaults apply on re-import)" in \
            export.notes[item["id"]]


def test_an_extended_text_item_with_a_marked_text_is_read_as_a_rewrite(tmp_path):
    body = ('<div class="assess-prompt"><p>Explain dikes.</p></div>'
            '<blockquote class="assess-response"><p>Dikes are <em>walls</em>.</p></blockquote>'
            '<qti-extended-text-interaction response-identifier="RESPONSE">'
            '<qti-prompt>Rewrite the response above.</qti-prompt>'
            '</qti-extended-text-interaction>')
    path = tmp_path / "rw.xml"
    path.write_text(item_xml(body, '<qti-response-declaration identifier="RESPONSE" '
                                   'cardinality="single" base-type="string"/>'))
    result = read(path)
    item = result.items[0]
    assert (item["type"], item["prompt"], item["response"]) == (
        "rewrite", "Explain dikes.", "Dikes are *walls*.")
    assert result.rubrics == [REWRITE_RUBRIC] and item["rubric"] == "rewrite"


# ---- exported files ------------------------------------------------------------------------

def test_exported_files_are_well_formed_qti_3(tmp_path):
    export = qti.write(starter())
    assert export
    for name, xml in export.items():
        assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
        root = SafeET.fromstring(xml.encode("utf-8"))
        assert root.tag == f"{NS}qti-assessment-item"
        assert name == root.get("identifier") + ".xml"
        assert root.get("title") and root.get("adaptive") == "false"
        assert root.get("time-dependent") == "false"
        assert root.find(f"{NS}qti-response-declaration") is not None
        score = root.find(f"{NS}qti-outcome-declaration")
        assert score.get("identifier") == "SCORE" and score.get("base-type") == "float"
        body = root.find(f"{NS}qti-item-body")
        assert body is not None
        interactions = [e for e in body.iter() if e.tag.endswith("-interaction")]
        assert len(interactions) == 1
        feedback = root.find(f"{NS}qti-modal-feedback")
        assert feedback.get("outcome-identifier") == "FEEDBACK"
        if interactions[0].tag == f"{NS}qti-choice-interaction":
            template = root.find(f"{NS}qti-response-processing").get("template")
            assert template in (qti.MATCH_CORRECT, qti.MAP_RESPONSE)
            assert root.find(f".//{NS}qti-correct-response") is not None
    single = SafeET.fromstring(export["starter-choice-01.xml"].encode())
    assert single.find(f"{NS}qti-response-processing").get("template") == \
        "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"
    rewrite = SafeET.fromstring(export["starter-rewrite-01.xml"].encode())
    assert rewrite.find(f"{NS}qti-outcome-declaration").get("external-scored") == "human"
    assert rewrite.find(f".//{NS}qti-rubric-block").get("view") == "scorer"


def test_other_types_and_unknown_ids_are_reported_not_exported():
    bank = starter()
    export = qti.write(bank, ["starter-pairwise-01", "starter-choice-01", "nope"])
    assert list(export) == ["starter-choice-01.xml"]
    assert export.skipped == {
        "starter-pairwise-01": "pairwise items have no QTI 3.0 equivalent here (only choice, "
                               "ranking, rewrite are exported)",
        "nope": "no item with this id in the bank"}
    everything = qti.write(bank)
    exportable = [i["id"] for i in bank["items"] if i["type"] in qti.EXPORTED]
    assert sorted(everything) == sorted(f"{i}.xml" for i in exportable)
    assert set(everything.skipped) == {i["id"] for i in bank["items"]} - set(exportable)
    justified = next(i["id"] for i in bank["items"]
                     if i["type"] in qti.EXPORTED and i.get("justification"))
    assert any("justification left out" in n for n in everything.notes[justified])


def test_invalid_items_and_ids_qti_cannot_carry_are_reported():
    items = [{"id": "bad-gold", "type": "choice", "prompt": "P", "explanation": "x" * 40,
              "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}], "gold": ["z"]},
             {"id": "digit-ids", "type": "choice", "prompt": "P", "explanation": "x" * 40,
              "options": [{"id": "1", "text": "A"}, {"id": "2", "text": "B"}], "gold": ["1"]}]
    export = qti.write({"items": items})
    assert not export
    assert export.skipped["bad-gold"].startswith("not a valid choice item: gold")
    assert "'1' is not a valid QTI identifier" in export.skipped["digit-ids"]


def test_a_zip_content_package_with_a_manifest(tmp_path):
    export = qti.write(starter(), ["starter-choice-01", "starter-ranking-02"])
    package = tmp_path / "package.zip"
    manifest = """<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1" identifier="m">
  <resources>
    <resource identifier="r1" type="imsqti_item_xmlv3p0" href="items/starter-ranking-02.xml"/>
    <resource identifier="r2" type="imsqti_item_xmlv3p0" href="items/missing.xml"/>
    <resource identifier="r3" type="imsqti_item_xmlv3p0" href="items/starter-choice-01.xml"/>
  </resources>
</manifest>"""
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("imsmanifest.xml", manifest)
        for name, xml in export.items():
            archive.writestr(f"items/{name}", xml)
        archive.writestr("items/not-listed.xml", "<broken")
    result = read(package)
    assert [i["id"] for i in result.items] == ["t-starter-ranking-02", "t-starter-choice-01"]
    assert result.skipped == Counter({"listed in imsmanifest.xml but missing from the zip": 1})
    # Without a manifest every .xml file is read.
    bare = tmp_path / "bare.zip"
    with zipfile.ZipFile(bare, "w") as archive:
        for name, xml in export.items():
            archive.writestr(name, xml)
    assert len(read(bare).items) == 2


# ---- what is skipped and what is refused ---------------------------------------------------

def test_malformed_xml_is_skipped_with_its_reason(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text('<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0">'
                   "<qti-item-body></qti-assessment-item>")
    result = read(bad)
    assert result.items == [] and result.total == 1
    [reason] = result.skipped
    assert reason.startswith("malformed XML: bad.xml (mismatched tag")
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "bad.xml").write_bytes(bad.read_bytes())
    (folder / "good.xml").write_text(qti.write(starter(), ["starter-choice-03"])
                                     ["starter-choice-03.xml"])
    result = read(folder)
    assert [i["id"] for i in result.items] == ["t-starter-choice-03"]
    assert result.total == 2 and sum(result.skipped.values()) == 1


def test_entity_expansion_is_refused(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
                    '<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0">'
                    "&lol2;</qti-assessment-item>")
    result = read(bomb)
    assert result.items == []
    assert result.skipped == Counter(
        {"refused XML (a DTD or entity declaration): bomb.xml": 1})


@pytest.mark.parametrize("name,content,message", [
    ("data.csv", "prompt,answer\nA,B\n", "not XML"),
    ("page.xml", "<html><body><p>Hi</p></body></html>", "root element is <html> without a "
                                                         "namespace"),
    ("old.xml", '<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" '
                'identifier="a" title="b" adaptive="false" timeDependent="false"/>',
     "QTI 2.x: only QTI 3.0 is read"),
])
def test_files_that_are_not_qti_3_raise_not_this_format(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(NotThisFormat) as caught:
        read(path)
    assert message in str(caught.value) and "expected a QTI 3.0 assessment item" in \
        str(caught.value)


def test_a_folder_without_qti_raises_not_this_format(tmp_path):
    (tmp_path / "pom.xml").write_text("<project><name>x</name></project>")
    with pytest.raises(NotThisFormat, match="no QTI 3.0 document found"):
        read(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(NotThisFormat, match="holds no .xml files"):
        read(empty)


def test_unsupported_interactions_and_odd_items_are_counted(tmp_path):
    declaration = ('<qti-response-declaration identifier="RESPONSE" cardinality="single" '
                   'base-type="identifier"><qti-correct-response><qti-value>a</qti-value>'
                   '</qti-correct-response></qti-response-declaration>')
    choice = ('<qti-choice-interaction response-identifier="RESPONSE" max-choices="1">'
              '<qti-prompt>Q?</qti-prompt>{}</qti-choice-interaction>')
    files = {
        "match.xml": item_xml('<qti-match-interaction response-identifier="RESPONSE"/>',
                              declaration),
        "gap.xml": item_xml('<p>Fill <qti-text-entry-interaction '
                            'response-identifier="RESPONSE"/></p>', declaration),
        "two.xml": item_xml(choice.format("") * 2, declaration),
        "image.xml": item_xml(choice.format(
            '<qti-simple-choice identifier="a"><img src="a.png" alt="A"/></qti-simple-choice>'
            '<qti-simple-choice identifier="b">B</qti-simple-choice>'), declaration),
        "nokey.xml": item_xml(choice.format(
            '<qti-simple-choice identifier="a">A</qti-simple-choice>'
            '<qti-simple-choice identifier="b">B</qti-simple-choice>'),
            declaration.replace("<qti-correct-response><qti-value>a</qti-value>"
                                "</qti-correct-response>", "")),
        "test.xml": '<qti-assessment-test xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" '
                    'identifier="t" title="t"/>',
    }
    for name, xml in files.items():
        (tmp_path / name).write_text(xml)
    result = read(tmp_path)
    assert result.items == [] and result.total == 6
    assert result.skipped == Counter({
        "unsupported interaction: qti-match-interaction": 1,
        "unsupported interaction: qti-text-entry-interaction": 1,
        "more than one interaction (an assess item has one)": 1,
        "an option without text (an image-only option?)": 1,
        "no correct response (nothing to grade against)": 1,
        "<qti-assessment-test> is not an assessment item": 1})


def test_a_multiple_hottext_and_body_markup_become_markdown(tmp_path):
    body = ('<p>Read <strong>this</strong> and <em>that</em>:</p>'
            '<ul><li>one</li><li>two <code>x_y</code></li></ul>'
            '<qti-hottext-interaction response-identifier="RESPONSE" max-choices="2">'
            '<qti-prompt>Select the wrong words.</qti-prompt>'
            '<p>Water boils at <qti-hottext identifier="H1">90</qti-hottext> degrees and '
            'freezes at <qti-hottext identifier="H2">0</qti-hottext> or '
            '<qti-hottext identifier="H3">10</qti-hottext>.</p></qti-hottext-interaction>'
            '<qti-rubric-block use="scoring" view="scorer"><p>secret</p></qti-rubric-block>')
    declaration = ('<qti-response-declaration identifier="RESPONSE" cardinality="multiple" '
                   'base-type="identifier"><qti-correct-response><qti-value>H1</qti-value>'
                   '<qti-value>H3</qti-value></qti-correct-response></qti-response-declaration>')
    path = tmp_path / "hot.xml"
    path.write_text(item_xml(body, declaration, '<qti-response-processing template="'
                             + qti.MATCH_CORRECT + '"/>'))
    result = read(path)
    item = result.items[0]
    assert item["prompt"] == ("Read **this** and *that*:\n\n- one\n- two `x_y`\n\n"
                              "Select the wrong words.\n\nWater boils at **90** degrees and "
                              "freezes at **0** or **10**.")
    assert "secret" not in item["prompt"]
    assert item["multiple"] is True and item["gold"] == ["H1", "H3"]
    assert [o["id"] for o in item["options"]] == ["H1", "H2", "H3"]
    assert "credit only for exactly the right set" in item["explanation"]


def test_overlong_text_is_skipped_and_a_skipped_items_images_are_not_reported(tmp_path):
    declaration = ('<qti-response-declaration identifier="RESPONSE" cardinality="single" '
                   'base-type="identifier"><qti-correct-response><qti-value>a</qti-value>'
                   '</qti-correct-response></qti-response-declaration>')
    long = "word " * 5000
    (tmp_path / "long.xml").write_text(item_xml(
        f'<p>{long}</p><p><img src="x.png"/></p>'
        '<qti-choice-interaction response-identifier="RESPONSE" max-choices="1">'
        '<qti-simple-choice identifier="a">A</qti-simple-choice>'
        '<qti-simple-choice identifier="b">B</qti-simple-choice></qti-choice-interaction>',
        declaration))
    result = read(tmp_path)
    assert result.items == []
    assert result.skipped == Counter({"prompt longer than 20 000 characters": 1})
    assert not result.warnings and "x.png" not in result.description


def test_an_unreadable_zip_member_or_deeply_nested_xml_is_skipped_not_a_crash(tmp_path):
    export = qti.write(starter(), ["starter-choice-01", "starter-choice-03"])
    package = tmp_path / "package.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in export.items():
            archive.writestr(name, xml)
    data = bytearray(package.read_bytes())
    start = 30 + len("starter-choice-01.xml")  # the first member's compressed data
    data[start:start + 20] = bytes(b ^ 0xFF for b in data[start:start + 20])
    package.write_bytes(bytes(data))
    result = read(package)
    assert [i["id"] for i in result.items] == ["t-starter-choice-03"]
    assert result.skipped == Counter(
        {"a zip member that cannot be read (damaged or encrypted)": 1})

    deep = tmp_path / "deep.xml"
    deep.write_text(item_xml(
        "<div>" * 5000 + "Which?" + "</div>" * 5000
        + '<qti-choice-interaction response-identifier="RESPONSE" max-choices="1">'
          '<qti-simple-choice identifier="a">A</qti-simple-choice>'
          '<qti-simple-choice identifier="b">B</qti-simple-choice></qti-choice-interaction>',
        '<qti-response-declaration identifier="RESPONSE" cardinality="single" '
        'base-type="identifier"><qti-correct-response><qti-value>a</qti-value>'
        "</qti-correct-response></qti-response-declaration>"))
    result = read(deep)
    assert result.items == [] and result.skipped == Counter(
        {"XML nested too deeply: deep.xml": 1})
