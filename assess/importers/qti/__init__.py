"""QTI 3.0 assessment items ↔ bank items. Pure: no Flask, no database.

``read`` turns QTI 3.0 item files (one file, a folder, or a zip content package) into bank
item entries; ``write`` turns a bank's choice, ranking and rewrite items into QTI 3.0 item
files. XML is always parsed with defusedxml (no DTDs, no entity expansion).

- ``reader``: QTI 3.0 → bank items (the mappings are described there), helped by ``sources``
  (the item files in a file, folder or zip) and ``interactions`` (one interaction → an item);
- ``writer``: bank items → QTI 3.0;
- ``markup``: the XHTML of item bodies ↔ Markdown;
- ``common``: the namespace, XML helpers and the import result they share.
"""
from .common import QtiImportResult
from .interactions import EXTENDED_TEXT_REASON
from .reader import REWRITE_RUBRIC, read
from .writer import EXPORTED, MAP_RESPONSE, MATCH_CORRECT, Export, write

__all__ = ["EXPORTED", "EXTENDED_TEXT_REASON", "MAP_RESPONSE", "MATCH_CORRECT", "REWRITE_RUBRIC",
           "Export", "QtiImportResult", "read", "write"]
