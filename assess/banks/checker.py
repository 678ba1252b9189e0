"""A field checker for the bank files' own structure (bank, rubric and assessment mappings),
collecting ``FieldError``s while walking a YAML mapping. Item entries are checked by their
type's JSON Schema instead (``assess.items.schema``)."""
from __future__ import annotations

from typing import Any, Mapping

from ..items.schema import FieldError, describe


class Checker:
    """Collects field errors while walking a bank entry."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def text(self, entry: Mapping, key: str, path: str | None = None, *, required: bool = True,
             max_len: int = 50_000) -> str | None:
        path = path or key
        value = entry.get(key)
        if value is None:
            if required:
                self.add(path, "is required: expected a non-empty string")
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(path, f"expected a non-empty string, got {describe(value)}")
            return None
        if len(value) > max_len:
            self.add(path, f"is {len(value)} characters long; at most {max_len} allowed")
            return None
        return value

    def integer(self, entry: Mapping, key: str, path: str | None = None, *, required: bool = True,
                minimum: int | None = None, maximum: int | None = None) -> int | None:
        return self._numeric(entry, key, path, required, minimum, maximum, integer=True)

    def number(self, entry: Mapping, key: str, path: str | None = None, *, required: bool = True,
               minimum: float | None = None, maximum: float | None = None) -> float | None:
        value = self._numeric(entry, key, path, required, minimum, maximum, integer=False)
        return None if value is None else float(value)

    def _numeric(self, entry, key, path, required, minimum, maximum, *, integer: bool):
        path = path or key
        kind = "an integer" if integer else "a number"
        value = entry.get(key)
        if value is None:
            if required:
                self.add(path, f"is required: expected {kind}")
            return None
        if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)):
            self.add(path, f"expected {kind}, got {describe(value)}")
            return None
        if minimum is not None and value < minimum:
            self.add(path, f"expected at least {minimum}, got {value}")
            return None
        if maximum is not None and value > maximum:
            self.add(path, f"expected at most {maximum}, got {value}")
            return None
        return value

    def boolean(self, entry: Mapping, key: str, path: str | None = None, *,
                default: bool = False) -> bool:
        path = path or key
        value = entry.get(key, default)
        if not isinstance(value, bool):
            self.add(path, f"expected true or false, got {describe(value)}")
            return default
        return value

    def mapping(self, entry: Mapping, key: str, path: str | None = None, *,
                required: bool = True) -> Mapping | None:
        path = path or key
        value = entry.get(key)
        if value is None:
            if required:
                self.add(path, "is required: expected a mapping")
            return None
        if not isinstance(value, Mapping):
            self.add(path, f"expected a mapping, got {describe(value)}")
            return None
        return value

    def sequence(self, entry: Mapping, key: str, path: str | None = None, *, required: bool = True,
                 min_len: int = 0, max_len: int | None = None) -> list | None:
        path = path or key
        value = entry.get(key)
        if value is None:
            if required:
                self.add(path, "is required: expected a list")
            return None
        if not isinstance(value, list):
            self.add(path, f"expected a list, got {describe(value)}")
            return None
        if len(value) < min_len:
            self.add(path, f"expected at least {min_len} entries, got {len(value)}")
            return None
        if max_len is not None and len(value) > max_len:
            self.add(path, f"expected at most {max_len} entries, got {len(value)}")
            return None
        return value

    def choice(self, entry: Mapping, key: str, options, path: str | None = None, *,
               required: bool = True):
        path = path or key
        value = entry.get(key)
        if value is None:
            if required:
                self.add(path, f"is required: expected one of {_options(options)}")
            return None
        if isinstance(value, bool) or value not in options:
            self.add(path, f"expected one of {_options(options)}, got {describe(value)}")
            return None
        return value

    def identified(self, entry: Mapping, key: str, *, min_len: int, max_len: int | None = None,
                   text_key: str | None = "text") -> list[Mapping]:
        """A list of mappings with unique string ``id`` fields (responses, options, claims)."""
        values = self.sequence(entry, key, min_len=min_len, max_len=max_len) or []
        seen: set[str] = set()
        good: list[Mapping] = []
        for i, value in enumerate(values):
            path = f"{key}[{i}]"
            if not isinstance(value, Mapping):
                self.add(path, f"expected a mapping with id and text, got {describe(value)}")
                continue
            ident = value.get("id")
            if not isinstance(ident, str) or not ident.strip():
                self.add(f"{path}.id", f"expected a non-empty string, got {describe(ident)}")
                continue
            if ident in seen:
                self.add(f"{path}.id", f"duplicate id {ident!r}")
                continue
            seen.add(ident)
            if text_key and self.text(value, text_key, f"{path}.{text_key}") is None:
                continue
            good.append(value)
        return good

    def unknown_keys(self, entry: Mapping, allowed, prefix: str = "") -> None:
        for key in entry:
            if key not in allowed:
                self.add(f"{prefix}{key}", f"is not a field of this item type; allowed: "
                                           f"{', '.join(sorted(allowed))}")


def _options(options: Any) -> str:
    return ", ".join(repr(o) for o in options)
