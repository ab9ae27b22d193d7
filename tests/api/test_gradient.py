"""The inequality gradient on a metric's national page: practices in tenths by their patients'
deprivation (deciles of the real Fingertips scores, computed here), each tenth's DNA rate from
the real GPAD file's counts (ratio of sums), as the page shows it."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from portal.extensions import db
from portal.ingest import load_paths
from tests.api.test_significance import GPAD, dna_counts
from tests.ingest.test_deprivation import ODS, RESHAPED, fingertips_layout


def test_dna_rate_by_deprivation_decile(app, nhs_data, tmp_path):
    with app.app_context():
        load_paths("ods-practices", [nhs_data / ODS])
        load_paths("gpad", [nhs_data / GPAD])
        load_paths("deprivation", [fingertips_layout(nhs_data, tmp_path)])
        db.engine.dispose()
    page = app.test_client().get("/national/dna_rate").get_data(as_text=True)
    shown = {int(d): (int(n.replace(",", "")), v) for d, n, v in re.findall(
        r'data-decile="(\d+)">.*?numeric">([\d,]+)</td><td[^>]*>([^<]*)</td>', page)}  # fmt: skip

    ods = pd.read_csv(nhs_data / ODS, header=None, dtype=str, keep_default_na=False)
    # open practices in England (status A, a GP practice, not Wales), as the distributions take
    open_codes = set(ods.loc[(ods[12] == "A") & (ods[25] == "4") & (ods[2] != "W00"), 0])
    scores = pd.read_csv(nhs_data / RESHAPED).set_index("PRACTICE_CODE")["IMD_SCORE"]
    scores = scores[scores.index.isin(open_codes)]
    cuts = np.percentile(scores.to_numpy(), range(10, 100, 10))  # the national deciles
    counts = dna_counts(nhs_data / GPAD)
    counts = counts[counts.index.isin(scores.index) & (counts["count"] > 0)]
    decile = counts.index.map(lambda c: 1 + int((cuts < scores[c]).sum()))
    for d, group in counts.groupby(decile):
        practices, display = shown[d]
        assert practices == len(group)
        assert display == f"{group['dna'].sum() / group['count'].sum() * 100:.1f}%"
