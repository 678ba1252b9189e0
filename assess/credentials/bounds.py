"""Bounds on a credential's shape, checked before any canonicalisation: URDNA2015 and the
structure checks cost grows with the JSON tree, so a credential far past what real ones
hold is refused as malformed, naming the bound, before that work starts.

The bounds are generous: a real Open Badges 3.0 credential (with endorsements, results and
alignments) holds a few hundred nodes, nests about eight deep and lists a handful of
evidence entries.
"""
from __future__ import annotations

from typing import Any

MAX_DEPTH = 16  # nested objects and arrays
MAX_NODES = 5_000  # every value in the tree: objects, arrays, strings, numbers...
MAX_ARRAY = 200  # items in any one array
MAX_EVIDENCE = 50  # items in an "evidence" array
MAX_STRING = 128 * 1024  # characters in any one string or key
BOUNDS_TEXT = (f"at most {MAX_NODES} values, {MAX_DEPTH} levels of nesting, {MAX_ARRAY} "
               f"items in an array ({MAX_EVIDENCE} evidence entries) and {MAX_STRING // 1024}K "
               "characters in a string")


def problem(document: Any) -> str | None:
    """Why ``document`` is past a bound, or None. Walks without recursion, so any depth is
    answered, and stops at the first bound passed."""
    nodes = 0
    pending: list[tuple[Any, int, str]] = [(document, 1, "")]
    while pending:
        value, depth, path = pending.pop()
        nodes += 1
        if nodes > MAX_NODES:
            return f"the credential holds more than {MAX_NODES} values (the bound is {MAX_NODES})"
        if isinstance(value, str):
            if len(value) > MAX_STRING:
                return (f"{path or 'the credential'}: a string longer than {MAX_STRING} "
                        f"characters (the bound is {MAX_STRING})")
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth > MAX_DEPTH:
            return (f"{path or 'the credential'}: nested more than {MAX_DEPTH} levels deep "
                    f"(the bound is {MAX_DEPTH})")
        if isinstance(value, list):
            limit = MAX_EVIDENCE if path.endswith("evidence") else MAX_ARRAY
            if len(value) > limit:
                return (f"{path or 'the credential'}: {len(value)} items, more than the bound "
                        f"of {limit}")
            pending.extend((item, depth + 1, f"{path}[{index}]")
                           for index, item in enumerate(value))
            continue
        for key, item in value.items():
            if len(key) > MAX_STRING:
                return f"{path or 'the credential'}: a key longer than {MAX_STRING} characters"
            pending.append((item, depth + 1, f"{path}.{key}" if path else str(key)))
    return None
