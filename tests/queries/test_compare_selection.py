"""Parsing a compare selection from the URL: exact messages for bad input."""

import pytest

from portal.catalogue import METRICS
from portal.queries.compare import (
    MAX_PRACTICES,
    CompareError,
    default_metrics,
    parse_metrics,
    parse_practices,
)


def test_codes_are_normalised_and_deduplicated_in_order():
    assert parse_practices(" a81002, A81001 a81002,,") == ["A81002", "A81001"]


def test_more_than_ten_practices_is_refused():
    codes = ",".join(f"A8{n:04d}" for n in range(MAX_PRACTICES + 1))
    with pytest.raises(CompareError, match="^Choose at most 10 practices.$"):
        parse_practices(codes)


def test_a_malformed_code_is_named():
    with pytest.raises(CompareError, match="^“A81'--” is not an ODS practice code"):
        parse_practices("A81001,A81'--")


def test_metrics_default_to_one_per_dataset_and_unknown_is_refused():
    assert parse_metrics("") == default_metrics()
    assert len({METRICS[m].dataset for m in default_metrics()}) == len(default_metrics())
    with pytest.raises(CompareError, match="^“nope” is not a measure in the catalogue.$"):
        parse_metrics("list_size,nope")
