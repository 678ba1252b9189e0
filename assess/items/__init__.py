"""Pure item types: no Flask, no SQLAlchemy, no clock.

Importing this package registers every item type the ``assess.item_types`` entry points name
(``registry.discover``): the built-in ones (each module of this package) and any a separate
package adds.
"""
from .base import (
                   AnswerError,
                   ConstantAnswerRule,
                   EmptyKeyRule,
                   FieldError,
                   FixedOrder,
                   GradeResult,
                   HumanPart,
                   ItemType,
                   KeyPosition,
                   LintFacts,
                   ScoredPart,
)
from .registry import UnknownItemType, all_types, discover, get, names

__all__ = ["AnswerError", "ConstantAnswerRule", "EmptyKeyRule", "FieldError", "FixedOrder",
           "GradeResult", "HumanPart", "ItemType", "KeyPosition", "LintFacts", "ScoredPart",
           "UnknownItemType", "all_types", "discover", "get", "names"]

discover()
