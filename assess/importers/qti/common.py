"""What the QTI reader, writer and Markdown conversion share: the QTI 3.0 namespace, XML
helpers (parsing always goes through defusedxml: no DTDs, no entity expansion) and the import
result."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

from ..base import ImportResult

NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"


@dataclass
class QtiImportResult(ImportResult):
    """An ``ImportResult`` that also counts what was dropped from items that were kept
    (images, media, MathML, scorer notes)."""
    warnings: Counter = field(default_factory=Counter)

    def warn(self, message: str) -> None:
        self.warnings[message] += 1


def qname(tag: str) -> str:
    """``tag`` in the QTI 3.0 namespace, as ElementTree spells it."""
    return f"{{{NS}}}{tag}"


def local_name(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace_of(tag: Any) -> str:
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def classes(el: Element) -> set[str]:
    return set((el.get("class") or "").split())


def parse_xml(data: bytes) -> Element:
    return SafeET.fromstring(data, forbid_dtd=True)
