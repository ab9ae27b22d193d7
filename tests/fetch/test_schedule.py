"""Next update due per dataset, from each publisher's cadence (portal/fetch/schedule.py)."""

import pytest

from portal.fetch.schedule import next_update_due


@pytest.mark.parametrize(
    ("dataset", "latest", "due"),
    [
        ("patients-registered", "2025-12", "2026-01-08"),  # 2nd Thursday of January
        ("gpad", "2025-11", "2026-01-22"),  # December's edition, 4th Thursday of January
        ("online-consultations", "2025-12", "2026-03-12"),  # about six weeks after January
        ("telephony", "2026-06", "2026-09-10"),
        ("workforce", "2025-12", "2026-03-12"),
        ("patients-registered", None, "monthly"),
        ("ods-practices", "current", "daily (ODS updates nightly)"),
        ("gpps", "2026", "July 2027"),
        ("qof-prevalence", "2024-25", "September 2026"),  # 2025-26, the September after
        ("payments", "2021-22", "August to December 2023"),
        ("qof-achievement", None, "every September"),
    ],
)
def test_next_update_due(dataset, latest, due):
    assert next_update_due(dataset, latest) == due
