"""Typed models grouped by aggregate. Importing this package registers every table."""
from .account_event import AccountEvent
from .assessment import Assessment, AssessmentSection, AssessmentVersion, TierRule
from .attempt import AnswerEvent, Attempt, Response, ScoreEvent
from .bank import Bank, Item, ItemVersion, Rubric, RubricVersion
from .credential import Certificate, StatusEntry, StatusList
from .grading import Appeal, Grade, GradingTask
from .mail import MailMessage
from .platform import (
    SCOPES,
    ApiKey,
    IdempotencyRecord,
    Invitation,
    Platform,
    PlatformCandidate,
)
from .recovery_code import RecoveryCode
from .user import ROLES, User
from .validity import ValidityReport
from .webhook import OutboxEvent, WebhookDelivery, WebhookEndpoint

__all__ = ["AnswerEvent", "Appeal", "Assessment", "AssessmentSection", "AssessmentVersion",
           "Attempt", "Bank", "Certificate", "Grade", "GradingTask", "Item", "ItemVersion",
           "ROLES", "Response", "Rubric", "RubricVersion", "ScoreEvent", "StatusEntry",
           "StatusList", "TierRule", "User"]
__all__ += ["ApiKey", "IdempotencyRecord", "Invitation", "Platform", "PlatformCandidate",
            "SCOPES"]
__all__ += ["OutboxEvent", "WebhookDelivery", "WebhookEndpoint"]
__all__ += ["AccountEvent"]
__all__ += ["RecoveryCode"]
__all__ += ["MailMessage"]
__all__ += ["ValidityReport"]
