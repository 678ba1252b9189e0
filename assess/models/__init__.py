"""Typed models grouped by aggregate. Importing this package registers every table."""
from .assessment import Assessment, AssessmentSection, AssessmentVersion, TierRule
from .attempt import AnswerEvent, Attempt, Response, ScoreEvent
from .bank import Bank, Item, ItemVersion, Rubric, RubricVersion
from .credential import Certificate
from .grading import Appeal, Grade, GradingTask
from .user import ROLES, User

__all__ = ["AnswerEvent", "Appeal", "Assessment", "AssessmentSection", "AssessmentVersion",
           "Attempt", "Bank", "Certificate", "Grade", "GradingTask", "Item", "ItemVersion",
           "ROLES", "Response", "Rubric", "RubricVersion", "ScoreEvent", "TierRule", "User"]
