"""All models, imported here so Alembic and the app see one metadata."""

from portal.models.accounts import AccountToken, OutboxMessage, PracticeRole, RoleDecision, User
from portal.models.alerts import AlertSent, AlertSubscription, Watch
from portal.models.api_keys import ApiKey
from portal.models.appointments import AppointmentMonth  # noqa: F401
from portal.models.audit import AuditEvent
from portal.models.datasets import DatasetLoad
from portal.models.gpps import GppsPractice, GppsQuestion  # noqa: F401
from portal.models.metrics import GroupMetric, MetricDistribution, PracticeMetric
from portal.models.oauth import AuthorizationCode, Connection, OAuthClient, OAuthToken  # noqa: F401
from portal.models.online_consultations import (  # noqa: F401
    OnlineConsultation,
    OnlineConsultationTime,
)
from portal.models.organisations import Icb, Pcn, Practice, Region, SubIcb
from portal.models.patients import RegisteredPatients, RegisteredPatientsByAge
from portal.models.payments import PaymentLine, PaymentsPractice  # noqa: F401
from portal.models.peers import PracticePeer  # noqa: F401
from portal.models.private_data import PrivateEntry
from portal.models.qof import QofAchievement, QofIndicator, QofPrevalence  # noqa: F401
from portal.models.ratelimits import RateLimitWindow  # noqa: F401
from portal.models.saved_groups import SavedGroup, SavedGroupPractice
from portal.models.successors import PracticeSuccessor
from portal.models.telephony import (  # noqa: F401
    DatasetCoverage,
    TelephonyBreakdown,
    TelephonyCount,
    TelephonySharedCount,
)
from portal.models.workforce import WorkforcePractice  # noqa: F401

__all__ = [
    "AccountToken",
    "AlertSent",
    "AlertSubscription",
    "ApiKey",
    "AuditEvent",
    "DatasetLoad",
    "GroupMetric",
    "Icb",
    "OutboxMessage",
    "MetricDistribution",
    "Pcn",
    "Practice",
    "PracticeMetric",
    "PracticeRole",
    "PracticeSuccessor",
    "PrivateEntry",
    "Region",
    "RegisteredPatients",
    "RegisteredPatientsByAge",
    "RoleDecision",
    "SavedGroup",
    "SavedGroupPractice",
    "SubIcb",
    "User",
    "Watch",
]
