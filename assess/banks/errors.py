from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BankError:
    """One problem in a bank or blueprint file, located as precisely as we can."""

    file: str
    message: str
    item: str | None = None  # item id, or the section / tier / rubric it concerns
    field: str | None = None  # path inside the item, e.g. "responses[1].text"
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        parts = [where]
        if self.item:
            parts.append(f"item {self.item!r}" if not self.item.startswith(("section ", "tier ",
                                                                            "rubric "))
                         else self.item)
        if self.field:
            parts.append(f"field {self.field!r}")
        return ": ".join(parts) + f": {self.message}"


class BankFilesInvalid(Exception):
    def __init__(self, errors: list[BankError]):
        super().__init__(f"{len(errors)} error(s) in bank files")
        self.errors = errors
