"""Series breaks as data: which breaks fall inside a series, by dataset, metric or the telephony
wait-band table; a series that starts at a break is wholly the new series."""

from __future__ import annotations

from portal.series_breaks import BREAKS, WAIT_BANDS, breaks_within


def periods(found) -> list[tuple[str, str]]:
    return [(b.dataset, b.period) for b in found]


def test_registry_names_the_three_method_changes():
    assert {(b.dataset, b.period, b.metrics) for b in BREAKS} == {
        ("workforce", "2022-02", ()),
        ("gpps", "2024", ()),
        ("telephony", "2026-06", ("calls_answered_rate",)),
    }
    assert all(b.reason and "\n" not in b.reason for b in BREAKS)
    telephony = next(b for b in BREAKS if b.dataset == "telephony")
    assert telephony.note.startswith("Series break 2026-06: Cloud Based Telephony measures")


def test_breaks_within_by_dataset_metric_and_band_table():
    assert periods(breaks_within("telephony", "2026-01", "2026-12")) == [("telephony", "2026-06")]
    assert periods(breaks_within("calls_answered_rate", "2026-05", "2026-06")) == [
        ("telephony", "2026-06")
    ]
    assert periods(breaks_within(WAIT_BANDS, "2025-10", "2026-07")) == [("telephony", "2026-06")]
    # the arguments in either order
    assert periods(breaks_within("calls_answered_rate", "2026-08", "2026-01")) == [
        ("telephony", "2026-06")
    ]
    # the inbound count did not change method; a series from the break on is all new series
    assert breaks_within("calls_inbound", "2026-01", "2026-12") == []
    assert breaks_within("calls_answered_rate", "2026-06", "2026-12") == []
    assert breaks_within("calls_answered_rate", "2025-06", "2026-05") == []
    assert periods(breaks_within("gp_fte", "2021-10", "2022-02")) == [("workforce", "2022-02")]
    assert periods(breaks_within("gpps_overall_good", "2023", "2025")) == [("gpps", "2024")]
    assert breaks_within("gpps_overall_good", "2024", "2025") == []
    assert breaks_within("dna_rate", "2020-01", "2030-01") == []
    assert breaks_within("no_such_metric", "2020-01", "2030-01") == []
