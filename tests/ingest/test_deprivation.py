"""Deprivation scores from the Fingertips download layout, and the peer groups they feed.

Peer groups need every practice's score; the shared folder holds the Fingertips layout for 83
practices only, so `fingertips_layout` writes the full layout from the reshaped file of the
same indicator's values (imd2025_practice_scores_reshaped.csv), as SOURCES.md allows.
"""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from portal.extensions import db
from portal.ingest import load_paths
from portal.ingest.base import IngestError
from portal.models import Practice
from portal.queries.benchmarks import practice_benchmark
from portal.queries.deprivation import deprivation
from portal.queries.peers import practice_peers
from portal.queries.practices import get_practice

EXCERPT = "deprivation/indicator_94240_gp.csv"
RESHAPED = "deprivation/imd2025_practice_scores_reshaped.csv"
ODS = "ods/epraccur.csv"
PAYMENTS = "payments/nhs_payments_gp_21-22.csv"
LISTS = [
    "patients_registered/gp-reg-pat-prac-map_2025-12.csv",
    "patients_registered/gp-reg-pat-prac-all_2025-12.csv",
    "patients_registered/gp-reg-pat-prac-quin-age_2025-12.csv.gz",
]


def fingertips_layout(nhs_data, folder) -> str:
    """Every practice's IMD 2025 score, written in the Fingertips download's own columns."""
    with open(nhs_data / EXCERPT, newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle))
    scores = pd.read_csv(nhs_data / RESHAPED, dtype={"IMD_SCORE": str})
    path = folder / "indicator_94240_gp_all.csv"
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        for row in scores.itertuples():
            values = dict.fromkeys(header, "")
            values.update({"Indicator ID": "94240", "Indicator Name": "Deprivation score (IMD "
                           "2025)", "Area Code": row.PRACTICE_CODE, "Area Name": row.PRACTICE_NAME,
                           "Area Type": "GPs", "Time period": "2025", "Value": row.IMD_SCORE})  # fmt: skip
            out.writerow(values.values())
    return path


def test_the_fingertips_download_loads_each_practice_score(app, nhs_data):
    with app.app_context():
        load_paths("ods-practices", [nhs_data / ODS])
        (result,) = load_paths("deprivation", [nhs_data / EXCERPT])
        assert (result.dataset, result.period) == ("deprivation", "2025")
        found = deprivation("A81001")
        benchmark = practice_benchmark(get_practice("A81001"), "deprivation_score")
    with open(nhs_data / EXCERPT, newline="", encoding="utf-8-sig") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Area Type"] == "GPs"]
    published = {r["Area Code"]: float(r["Value"]) for r in rows}
    assert found.score.value == published["A81001"] == 33.519
    assert found.score.source == "Deprivation score (IMD), OHID Fingertips, 2025"
    assert benchmark.distribution.n == len(published)
    cuts = np.percentile(sorted(published.values()), [10, 20, 30, 40, 50, 60, 70, 80, 90])
    assert found.decile == 1 + sum(cut < 33.519 for cut in benchmark.distribution.deciles)
    assert benchmark.distribution.deciles == pytest.approx(list(cuts))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("94240", "12345"), "expected one deprivation indicator (94240 (IMD 2025), 93553 (IMD "
                             "2019)), found 12345"),
        ((",GPs,", ",Region,"), "no rows with Area Type 'GPs': is this a practice-level "
                                "download?"),
        ((",2025,", ",2024,"), "the indicator is IMD 2025 but the file's time period says 2024"),
    ],
)  # fmt: skip
def test_a_wrong_download_is_refused_by_name_and_loads_nothing(app, nhs_data, tmp_path, change,
                                                               message):  # fmt: skip
    text = (nhs_data / EXCERPT).read_text(encoding="utf-8-sig").replace(*change)
    path = tmp_path / "indicator.csv"
    path.write_text(text)
    with app.app_context(), pytest.raises(IngestError) as error:
        load_paths("deprivation", [path])
    assert message in str(error.value)
    with app.app_context():
        assert deprivation("A81001") is None


def expected_peers(nhs_data, open_codes: list[str]) -> dict[str, list[str]]:
    """The 10 nearest practices by standardised distance, computed here from the files."""
    lists = pd.read_csv(nhs_data / LISTS[1])
    lists = lists[(lists["SEX"] == "ALL") & (lists["AGE"] == "ALL")].set_index("CODE")
    ages = pd.read_csv(nhs_data / LISTS[2], low_memory=False)
    ages = ages[ages["SEX"].isin(["MALE", "FEMALE"])]
    wide = ages.pivot_table(index="ORG_CODE", columns="AGE_GROUP_5",
                            values="NUMBER_OF_PATIENTS", aggfunc="sum", fill_value=0)  # fmt: skip
    total = wide.sum(axis=1)
    older = ["65_69", "70_74", "75_79", "80_84", "85_89", "90_94", "95+"]
    younger = wide["0_4"] + wide["5_9"] + wide["10_14"] + 0.6 * wide["15_19"]
    scores = pd.read_csv(nhs_data / RESHAPED).set_index("PRACTICE_CODE")["IMD_SCORE"]
    features = (
        pd.DataFrame(
            {
                "deprivation": scores,
                "list_size": lists["NUMBER_OF_PATIENTS"],
                "older": wide[older].sum(axis=1) / total,
                "younger": younger / total,
            }
        )
        .reindex(sorted(open_codes))
        .dropna()
    )
    z = ((features - features.mean()) / features.std(ddof=0)).to_numpy()
    codes = list(features.index)
    peers = {}
    for i, code in enumerate(codes):
        distance = np.sqrt(((z - z[i]) ** 2).sum(axis=1))
        distance[i] = np.inf
        peers[code] = [codes[j] for j in np.argsort(distance, kind="stable")[:10]]
    return peers


def test_peer_groups_are_the_nearest_practices_by_standardised_features(app, nhs_data, tmp_path):
    with app.app_context():
        load_paths("ods-practices", [nhs_data / ODS])
        load_paths("patients-registered", [nhs_data / f for f in LISTS])
        load_paths("deprivation", [fingertips_layout(nhs_data, tmp_path)])
        load_paths("payments", [nhs_data / PAYMENTS])
        open_codes = db.session.scalars(
            db.select(Practice.code).where(Practice.status == "active", Practice.is_england)
        ).all()
        expected = expected_peers(nhs_data, open_codes)
        for code in ("A81001", "E84042", "A81621"):
            assert [p.code for p in practice_peers(code)] == expected[code]
        benchmark = practice_benchmark(get_practice("A81001"), "list_size")
    peers = next(g for g in benchmark.groups if g.level == "peers")
    sizes = pd.read_csv(nhs_data / LISTS[1])
    sizes = sizes[(sizes["SEX"] == "ALL") & (sizes["AGE"] == "ALL")].set_index("CODE")
    want = sizes.loc[expected["A81001"], "NUMBER_OF_PATIENTS"]
    assert (peers.value, peers.practices, peers.median) == (want.sum(), 10, want.median())


def test_no_peer_groups_before_there_is_anything_to_compare(app, nhs_data):
    with app.app_context():
        load_paths("ods-practices", [nhs_data / ODS])
        assert practice_peers("A81001") == []
