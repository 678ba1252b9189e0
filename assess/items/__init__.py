"""Pure item types: no Flask, no SQLAlchemy, no clock. Importing this package registers them."""
from . import choice, factcheck, labels, pairwise, ranking, rewrite, rubric  # noqa: F401
from .base import AnswerError, FieldError, GradeResult, HumanPart, ItemType
from .registry import UnknownItemType, all_types, get, names

__all__ = ["AnswerError", "FieldError", "GradeResult", "HumanPart", "ItemType",
           "UnknownItemType", "all_types", "get", "names"]
