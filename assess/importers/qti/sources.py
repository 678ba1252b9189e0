"""Where QTI item files come from: one file, a folder of them, or a zip (an IMS content
package, read in the order of its imsmanifest.xml when it lists item resources). Files over
``MAX_FILE`` and unreadable members are skipped with a counted reason; a path that cannot hold
QTI at all raises ``NotThisFormat``."""
from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException

from ..base import NotThisFormat
from .common import NS, QtiImportResult, local_name, parse_xml

EXPECTED = ("a QTI 3.0 assessment item (.xml), a folder of them, or a zip content package "
            "(namespace " + NS + ")")
MAX_FILE = 10 * 1024 * 1024  # bytes of one item file (also inside a zip)


@dataclass
class Document:
    name: str  # shown in reasons and warnings
    stem: str
    data: bytes


def documents(path: Path, result: QtiImportResult) -> tuple[list[Document], bool]:
    """The XML documents under ``path`` and whether ``path`` was a single file."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file()
                       and p.suffix.lower() == ".xml" and p.name.lower() != "imsmanifest.xml")
        if not files:
            raise NotThisFormat(f"{path}: the folder holds no .xml files; expected {EXPECTED}")
        docs = []
        for file in files:
            try:
                data = file.read_bytes() if file.stat().st_size <= MAX_FILE else None
            except OSError as exc:
                result.total += 1
                result.skip(f"cannot read the file ({exc.strerror or exc})")
                continue
            if data is None:
                result.total += 1
                result.skip(f"file larger than {MAX_FILE // (1024 * 1024)} MB")
                continue
            docs.append(Document(str(file.relative_to(path)), file.stem, data))
        return docs, False
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise NotThisFormat(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    if head.startswith(b"PK"):
        return _zip_documents(path, result), False
    if path.stat().st_size > MAX_FILE:
        raise NotThisFormat(f"{path}: larger than {MAX_FILE // (1024 * 1024)} MB; "
                            f"expected {EXPECTED}")
    return [Document(path.name, path.stem, path.read_bytes())], True


def _zip_documents(path: Path, result: QtiImportResult) -> list[Document]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise NotThisFormat(f"{path}: a damaged zip file ({exc}); expected {EXPECTED}") from exc
    with archive:
        members = {i.filename: i for i in archive.infolist() if not i.is_dir()}

        def load(name: str) -> bytes | str:
            """The member's bytes, or why it was skipped."""
            info = members[name]
            too_large = f"file larger than {MAX_FILE // (1024 * 1024)} MB"
            if info.file_size > MAX_FILE:
                return too_large
            try:
                with archive.open(info) as handle:
                    data = handle.read(MAX_FILE + 1)
            except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError,
                    NotImplementedError):  # damaged, encrypted, or an unknown compression
                return "a zip member that cannot be read (damaged or encrypted)"
            return data if len(data) <= MAX_FILE else too_large

        names = sorted(n for n in members if n.lower().endswith(".xml")
                       and PurePosixPath(n).name.lower() != "imsmanifest.xml")
        manifest = next((n for n in members if n.lower() == "imsmanifest.xml"), None)
        if manifest:
            data = load(manifest)
            listed = _manifest_items(data) if isinstance(data, bytes) else None
            if listed is not None:
                names = listed
        if not names:
            raise NotThisFormat(f"{path}: the zip holds no .xml files; expected {EXPECTED}")
        docs = []
        for name in names:
            if name not in members:
                result.total += 1
                result.skip("listed in imsmanifest.xml but missing from the zip")
                continue
            data = load(name)
            if isinstance(data, str):
                result.total += 1
                result.skip(data)
                continue
            docs.append(Document(name, PurePosixPath(name).stem, data))
        return docs


def _manifest_items(data: bytes) -> list[str] | None:
    """The item files an IMS content package lists (QTI item resources), in manifest order;
    None when the manifest is unreadable or lists no item resource."""
    try:
        root = parse_xml(data)
    except (ParseError, DefusedXmlException, ValueError):
        return None
    hrefs = []
    for resource in root.iter():
        if local_name(resource.tag) == "resource" and \
                (resource.get("type") or "").startswith("imsqti_item") and resource.get("href"):
            base = PurePosixPath(resource.get("xml:base") or "")
            hrefs.append(str(base / resource.get("href")))
    return hrefs or None
