"""QTI 3.0 assessment items ↔ bank items. Pure: no Flask, no database.

``read`` turns QTI 3.0 item files (one file, a folder, or a zip content package) into bank
item entries; ``write`` turns a bank's items into QTI 3.0 item files, for the item types QTI
can carry (``EXPORTED``). XML is always parsed with defusedxml (no DTDs, no entity
expansion). What is particular to an item type (the interactions it is read from, the item
body and response processing it is written as) is the type's own ``qti`` mapping
(``assess.items.qti``); this package asks the item registry and names no type.

- ``reader``: QTI 3.0 → bank items, helped by ``sources`` (the item files in a file, folder
  or zip) and ``interactions`` (one interaction → an item, by the type that reads it);
- ``writer``: bank items → QTI 3.0;
- ``markup``: the XHTML of item bodies ↔ Markdown;
- ``common``: the namespace, XML helpers and the import result they share.
"""
from typing import Any

from .common import QtiImportResult
from .reader import read
from .writer import MAP_RESPONSE, MATCH_CORRECT, Export, exported, write

__all__ = ["EXPORTED", "MAP_RESPONSE", "MATCH_CORRECT", "Export", "QtiImportResult", "exported",
           "read", "write"]


def __getattr__(name: str) -> Any:
    """``EXPORTED``: the names of the item types written as QTI 3.0 (``writer.exported``),
    asked of the registry each time."""
    if name == "EXPORTED":
        return exported()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
