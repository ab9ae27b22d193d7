"""Period labels: monthly periods read as months; financial years never as month 13+."""

from portal.sources import period_label, source_label


def test_monthly_and_annual_labels():
    assert period_label("2025-12") == "December 2025"
    assert period_label("2024-25") == "2024-25"
    assert period_label("2011-12", "annual") == "2011-12"
    assert period_label("current") == "current"


def test_source_label_names_publication_and_period():
    assert source_label("patients-registered", "2025-12") == (
        "Patients Registered at a GP Practice, December 2025"
    )
