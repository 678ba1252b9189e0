"""The offline JSON-LD document loader: contexts exported from the credential ecosystem's
npm packages (``make contexts``), plus documents the caller knows (an issuer's controller
document, its status lists). Nothing is ever fetched from the network."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping

DEFAULT_CONTEXTS = Path(__file__).resolve().parents[2] / "contexts" / "build" / "contexts.json"

Loader = Callable[..., dict[str, Any]]


class DocumentNotFound(LookupError):
    pass


class ContextsMissing(RuntimeError):
    pass


@lru_cache(maxsize=4)
def load_contexts(path: str | Path = DEFAULT_CONTEXTS) -> Mapping[str, Any]:
    path = Path(path)
    if not path.exists():
        raise ContextsMissing(
            f"JSON-LD contexts not found at {path}: run `make contexts` (needs Node.js and npm) "
            "to install them from the npm registry")
    return json.loads(path.read_text())["documents"]


def document_loader(extra: Mapping[str, Any] | None = None,
                    contexts: Mapping[str, Any] | None = None,
                    fetch: Callable[[str], Any] | None = None) -> Loader:
    """``fetch``: asked for any URL not otherwise known (the caller's own documents, read
    locally, such as its status lists); returns the document, or None when it has none."""
    known = dict(load_contexts() if contexts is None else contexts)
    known.update(extra or {})

    def load(url: str, options: Any = None) -> dict[str, Any]:
        document = known.get(url, known.get(url.split("#", 1)[0]))
        if document is None and fetch is not None:
            document = fetch(url)
        if document is None:
            raise DocumentNotFound(f"{url} is not a known document (offline loader)")
        return {"contextUrl": None, "documentUrl": url, "document": document}

    return load
