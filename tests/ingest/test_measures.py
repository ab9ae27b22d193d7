"""Measures as data: every metric a dataset's loads recompute through ingest/measures.py names
columns its dataset's facts hold, so a typo in the catalogue fails here, not mid-load."""

from portal.catalogue import METRICS, dataset_metrics
from portal.models import (
    AppointmentMonth,
    OnlineConsultation,
    PaymentsPractice,
    RegisteredPatients,
    WorkforcePractice,
)
from portal.models.telephony import INDICATORS

# each dataset's per-practice facts as its recompute reads them
FACTS = {
    "patients-registered": set(RegisteredPatients.__table__.c.keys()),
    "gpad": {*AppointmentMonth.__table__.c.keys(), "patients"},  # the month's list size, joined
    "online-consultations": set(OnlineConsultation.__table__.c.keys()),
    "telephony": set(INDICATORS),  # each practice's total per indicator
    "workforce": set(WorkforcePractice.__table__.c.keys()),
    "payments": set(PaymentsPractice.__table__.c.keys()),
}


def test_declared_measures_name_their_datasets_facts():
    for dataset, columns in FACTS.items():
        ids = dataset_metrics(dataset)
        assert ids, dataset
        for metric_id in ids:
            metric = METRICS[metric_id]
            assert metric.numerator in columns, metric_id
            if metric.aggregation == "sum":
                assert metric.denominator is None, metric_id
            else:
                assert metric.denominator in columns, metric_id


def test_dataset_metrics_keep_catalogue_order():
    assert dataset_metrics("gpad") == [
        "appointments_total",
        "dna_rate",
        "gp_appointment_share",
        "same_day_share",
        "face_to_face_share",
        "appointments_per_1000",
    ]
    assert dataset_metrics("nonesuch") == []
