"""All models, imported here so Alembic and the app see one metadata."""

from portal.models.accounts import PracticeRole, User
from portal.models.datasets import DatasetLoad
from portal.models.metrics import GroupMetric, MetricDistribution, PracticeMetric
from portal.models.organisations import Icb, Pcn, Practice, Region, SubIcb
from portal.models.patients import RegisteredPatients, RegisteredPatientsByAge

__all__ = [
    "DatasetLoad",
    "GroupMetric",
    "Icb",
    "MetricDistribution",
    "Pcn",
    "Practice",
    "PracticeMetric",
    "PracticeRole",
    "Region",
    "RegisteredPatients",
    "RegisteredPatientsByAge",
    "SubIcb",
    "User",
]
