"""Demo files for the monthly activity datasets, in their real layouts.

Sized so that the whole `flask data demo` stays quick: 24 months of appointments and online
consultations and the latest 12 months of telephony (see GPAD_MONTHS below), with a sparse
GPAD crosstab.
- GPAD: one practice-level crosstab per month for all England (the real publication splits a
  month into regional files; one file keeps the demo quick). The crosstab is sparse: about
  ten rows per practice-month (all eight attended cells over GP / other staff, face-to-face /
  telephone and same day / 8 to 14 days, plus one DNA and one unknown-status cell) against
  about 190 in real data, so totals and shares are plausible but breakdowns are coarse.
- Online consultations: the practice-level long file (nine metrics) per month, and the
  day-and-time file for the latest month.
- Cloud Based Telephony: the real layouts, one CSV per region plus `Unmapped` inside a zip
  per month and file kind, with a few shared phone accounts (`PRACTICE_CODE = Unassigned`):
  "By Durations" every month; "By Day and Time" (inbound and answered calls by the real time
  bands) for the latest month, whose breakdowns the pages show; "Calls Answered Metric"
  (answered calls by wait within and outside core hours) for every month from June 2026, when
  it was first published. To stay quick, each practice's month is one row set dated the 1st
  (the real files have one per day), the wait and call-length figures use a few of the real
  bands, and By Day and Time leaves out the other indicators.
"""

from __future__ import annotations

import calendar
import zipfile
from pathlib import Path

import numpy as np

GPAD_HEADER = ["APPOINTMENT_MONTH_START_DATE", "GP_CODE", "GP_NAME", "SUPPLIER", "PCN_CODE",
               "PCN_NAME", "SUB_ICB_LOCATION_CODE", "SUB_ICB_LOCATION_NAME", "HCP_TYPE",
               "APPT_MODE", "NATIONAL_CATEGORY", "TIME_BETWEEN_BOOK_AND_APPT",
               "COUNT_OF_APPOINTMENTS", "APPT_STATUS"]  # fmt: skip
OC_METRICS = ["OC_PARTICIPATION", "OC_CAPABILITY", "OC_SYSTEM_USAGE", "OC_TOTAL_SUBMISSIONS",
              "OC_SUBMISSION_TYPE_CLINICAL", "OC_SUBMISSION_TYPE_ADMIN",
              "OC_SUBMISSION_TYPE_OTHER", "PATIENTS_REGISTERED",
              "OC_RATE_PER_1000_REGISTERED_PATIENTS"]  # fmt: skip
OC_SUPPLIERS = ["ECONSULT HEALTH LIMITED", "ACCURX LIMITED", "PATCHS HEALTH LIMITED",
                "EMIS HEALTH SECONDARY CARE, ACCURX LIMITED", "SYSTEMC & GRAPHNET LIMITED"]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TIME_BANDS = ["00:00 - 05:59", "06:00 - 07:59", "08:00 - 09:59", "10:00 - 11:59",
              "12:00 - 13:59", "14:00 - 15:59", "16:00 - 17:59", "18:00 - 23:59"]  # fmt: skip
TIME_SHAPE = np.array([0.02, 0.05, 0.22, 0.2, 0.15, 0.16, 0.14, 0.06])
# A few of the real bands (seconds): waits for answered calls and missed calls, call lengths
# (the real files use the same labels for waits and lengths; the demo keeps them apart).
WAIT_BANDS = ["1_30", "31_60", "121_180", ">300"]
MISSED_BANDS = ["61_90", ">300"]
LENGTH_BANDS = ["61_90", "181_240", "241_300"]
CBT_HEADER = ["Date", "REGION_CODE", "ICB_CODE", "SUB_ICB_LOCATION_CODE", "PCN_CODE",
              "PRACTICE_CODE", "Indicator"]  # fmt: skip
# each file kind's title and the columns between Indicator and Value
CBT_KINDS = {
    "duration": ("By Durations", ["Duration"]),
    "time": ("By Day and Time", ["Time_Category"]),
    "core": ("Calls Answered Metric", ["Wait_Time", "Core_Category"]),
}
CALL_TIMES = ["00:00-05:59", "06:00-07:59", "08:00-09:59", "10:00-11:59", "12:00-13:59",
              "14:00-15:59", "16:00-17:59", "18:00-18:29", "18:30-23:59"]  # fmt: skip
CALL_SHAPE = np.array([0.01, 0.02, 0.34, 0.2, 0.14, 0.14, 0.11, 0.03, 0.01])
CORE_CATEGORIES = ["Core_8_10", "Core_10_1830", "Non-Core"]
CORE_FIRST = "2026-06"  # the first month of the Calls Answered Metric file
CATEGORIES = ["General Consultation Routine", "General Consultation Acute", "Clinical Triage",
              "Planned Clinics"]  # fmt: skip
# Months written, counted back from the latest. Every month loaded costs a recompute of each
# metric's practice values, group values and distribution (about 0.1 s of CPU per metric),
# so the demo keeps these three datasets to about 50 s of CPU in all.
GPAD_MONTHS = 24
OC_MONTHS = 24
TELEPHONY_MONTHS = 12


def _field(text: str) -> str:
    """A CSV field, quoted when it holds a comma or quote (as the publications do)."""
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if ("," in text or '"' in text) else text


def _write(path: Path, header: list[str], lines: list[str]) -> Path:
    """Lines joined by hand: several times faster than a CSV writer for these simple rows."""
    with open(path, "w", newline="") as handle:
        handle.write(",".join(header) + "\n")
        handle.write("\n".join(lines))
        handle.write("\n")
    return path


def write_activity(folder: Path, england, rng: np.random.Generator) -> dict[str, list[Path]]:
    """The DEMO_WRITERS entry: {dataset: [files in load order]}."""
    practices = england.open_practices()
    pcn_names = {code: name for code, name, _ in england.pcns}
    sub_names = {code: name for code, _, name, _ in england.sub_icbs}
    icb_of = {code: icb for code, _, _, icb in england.sub_icbs}
    region_of = {sub: {c: r for c, _, _, r in england.icbs}[icb] for sub, icb in icb_of.items()}
    n = len(practices)
    suppliers = rng.choice(["EMIS", "TPP", "EMIS/EVERGREENLIFE"], n)
    people = {
        # GP_CODE,GP_NAME,SUPPLIER,PCN_CODE,PCN_NAME,SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME
        "gpad": [",".join(_field(x) for x in (p.code, p.name, s, p.pcn, pcn_names[p.pcn],
                                                p.sub_icb, sub_names[p.sub_icb]))
                 for p, s in zip(practices, suppliers, strict=True)],
        # GP_CODE,GP_NAME,PCN_CODE,SUB_ICB_LOCATION_CODE
        "oc": [",".join(_field(x) for x in (p.code, p.name, p.pcn, p.sub_icb)) for p in practices],
        # REGION_CODE,ICB_CODE,SUB_ICB_LOCATION_CODE,PCN_CODE,PRACTICE_CODE
        "cbt": [f"{region_of[p.sub_icb]},{icb_of[p.sub_icb]},{p.sub_icb},{p.pcn},{p.code}"
                for p in practices],
        "region": [region_of[p.sub_icb] for p in practices],
        "code": [p.code for p in practices],
    }  # fmt: skip
    traits = {
        "per_1000": rng.normal(470, 90, n).clip(150, 900),
        "gp": rng.beta(8, 10, n),
        "f2f": rng.beta(12, 5, n),
        "same_day": rng.beta(7, 11, n),
        "dna": rng.beta(4, 90, n),
        "unknown": rng.beta(2, 40, n),
        "oc": rng.lognormal(np.log(45), 0.6, n),
        "oc_on": rng.random(n) < 0.93,
        "calls": rng.normal(300, 60, n).clip(80, 700),
        "answer": rng.beta(18, 3, n),
        "cbt_on": rng.random(n) < 0.88,
    }
    gpad, oc, telephony = [], [], []
    for index, month in enumerate(england.months):
        sizes = np.array([england.list_sizes.get((p.code, month), 0) for p in practices], float)
        before_latest = len(england.months) - 1 - index
        if before_latest < GPAD_MONTHS:
            gpad.append(_gpad_month(folder, month, people, sizes, traits, rng))
        if before_latest < OC_MONTHS:
            oc.append(_oc_month(folder, month, people, sizes, traits, rng))
        if before_latest < TELEPHONY_MONTHS:
            telephony += _telephony_month(folder, month, people, sizes, traits, rng,
                                          times=before_latest == 0)  # fmt: skip
    latest = england.months[-1]
    sizes = np.array([england.list_sizes.get((p.code, latest), 0) for p in practices], float)
    oc.append(_oc_times(folder, latest, people, sizes * traits["oc"] * traits["oc_on"] / 1000, rng))
    return {"gpad": gpad, "online-consultations": oc, "telephony": telephony}


def _gpad_month(folder: Path, month, people, sizes, traits, rng) -> Path:
    """About ten crosstab rows per practice (see the module note)."""
    total = sizes * traits["per_1000"] / 1000 * rng.uniform(0.93, 1.07, len(sizes))
    attended = total * (1 - traits["dna"] - traits["unknown"])
    cells = []  # (status, hcp, mode, lead, counts)
    for hcp, p_hcp in (("GP", traits["gp"]), ("Other Practice staff", 1 - traits["gp"])):
        for mode, p_mode in (("Face-to-Face", traits["f2f"]), ("Telephone", 1 - traits["f2f"])):
            for lead, p_lead in (("Same Day", traits["same_day"]),
                                 ("8  to 14 Days", 1 - traits["same_day"])):  # fmt: skip
                cells.append(("Attended", hcp, mode, lead, attended * p_hcp * p_mode * p_lead))
    cells.append(("DNA", "GP", "Face-to-Face", "8  to 14 Days", total * traits["dna"]))
    cells.append(("Unknown", "Other Practice staff", "Telephone", "Same Day",
                  total * traits["unknown"]))  # fmt: skip
    date = f"{month:%d%b%Y}".upper()
    prefixes = people["gpad"]
    lines = []
    for status, hcp, mode, lead, counts in cells:
        counts = np.round(counts).astype(int).tolist()
        tail = f"{hcp},{mode},{rng.choice(CATEGORIES)},{lead}"
        lines += [
            f"{date},{prefix},{tail},{count},{status}"
            for prefix, count in zip(prefixes, counts, strict=True)
            if count > 0
        ]
    name = f"Practice_Level_Crosstab_{calendar.month_abbr[month.month]}_{month:%y}_England.csv"
    return _write(folder / name, GPAD_HEADER, lines)


def _oc_month(folder: Path, month, people, sizes, traits, rng) -> Path:
    n = len(sizes)
    listed = sizes > 0
    on = traits["oc_on"] & listed
    total = np.where(on, np.round(sizes * traits["oc"] / 1000 * rng.uniform(0.9, 1.1, n)), 0)
    clinical = np.round(total * rng.beta(14, 6, n))
    admin = np.round((total - clinical) * rng.beta(8, 3, n))
    other = total - clinical - admin
    rate = np.round(total / np.where(listed, sizes, 1) * 1000, 5)
    values = [on.astype(int), on.astype(int), (total > 0).astype(int), total, clinical, admin,
              other, sizes]  # fmt: skip
    supplier = [_field(s) for s in rng.choice(OC_SUPPLIERS, n)]
    date = f"{month:%Y-%m-%d}"
    lines = []
    for metric, value in zip(OC_METRICS, [*values, rate], strict=True):
        shown = value.tolist() if metric.startswith("OC_RATE") else value.astype(int).tolist()
        lines += [
            f"{date},{prefix},{supplier[i] if on[i] else ''},{metric},{shown[i]}"
            for i, prefix in enumerate(people["oc"])
            if listed[i]
        ]
    header = ["MONTH", "GP_CODE", "GP_NAME", "PCN_CODE", "SUB_ICB_LOCATION_CODE", "SUPPLIER",
              "METRIC", "VALUE"]  # fmt: skip
    return _write(folder / f"OC_practice_level_{month:%Y-%m}.csv", header, lines)


def _oc_times(folder: Path, month, people, submissions, rng) -> Path:
    day_shape = np.array([0.24, 0.19, 0.17, 0.16, 0.15, 0.05, 0.04])
    shares = np.outer(day_shape, TIME_SHAPE).ravel()
    counts = np.round(
        np.outer(submissions, shares) * rng.uniform(0.8, 1.2, (len(submissions), len(shares)))
    ).astype(int)
    cells = [(day, band) for day in WEEKDAYS for band in TIME_BANDS]
    date = f"{month:%Y-%m-%d}"
    lines = [
        f"{date},{prefix},{day},{band},{count}"
        for prefix, row in zip(people["oc"], counts.tolist(), strict=True)
        for (day, band), count in zip(cells, row, strict=True)
        if count > 0
    ]
    header = ["MONTH", "GP_CODE", "GP_NAME", "PCN_CODE", "SUB_ICB_LOCATION_CODE", "WEEKDAY",
              "SUBMISSION_TIME", "VALUE"]  # fmt: skip
    return _write(folder / f"OC_by_day_and_time_{month:%Y-%m}.csv", header, lines)


def _telephony_month(folder: Path, month, people, sizes, traits, rng, times: bool) -> list[Path]:
    """Inbound = ended in menu + answered + missed; callbacks made <= requested. The month's
    By Durations zip, then its By Day and Time zip (when `times`) and its Calls Answered Metric
    zip (from June 2026); bands with no calls are left out, as published."""
    n = len(sizes)
    on = traits["cbt_on"] & (sizes > 0)
    inbound = np.round(sizes * traits["calls"] / 1000 * rng.uniform(0.9, 1.1, n))
    answered = np.round(inbound * traits["answer"])
    menu = np.round((inbound - answered) * rng.beta(3, 5, n))
    missed = inbound - answered - menu
    requested = np.round(missed * rng.beta(4, 4, n))
    made = np.round(requested * rng.beta(12, 2, n))
    wait = _split(answered, rng.dirichlet([6, 3, 2, 1], n))
    missing = _split(missed, rng.dirichlet([3, 2], n))
    length = _split(answered, rng.dirichlet([2, 5, 2], n))
    rows = [("CBT001", "TOTAL", inbound), ("CBT002", "TOTAL", menu),
            ("CBT005", "TOTAL", requested), ("CBT006", "TOTAL", made)]  # fmt: skip
    rows += [("CBT003", band, wait[:, i]) for i, band in enumerate(WAIT_BANDS)]
    rows += [("CBT004", band, missing[:, i]) for i, band in enumerate(MISSED_BANDS)]
    rows += [("CBT007", band, length[:, i]) for i, band in enumerate(LENGTH_BANDS)]
    shared = [
        ("CBT001", "TOTAL", 1.0),
        ("CBT003", "31_60", 0.7),
        ("CBT004", ">300", None),
        ("CBT007", "121_180", 0.7),
    ]  # fmt: skip
    files = [_telephony_zip(folder, month, "duration", people, on, rows, shared, rng)]
    if times:
        rows = [
            (code, band, part[:, i])
            for code, total in (("CBT001", inbound), ("CBT003", answered))
            for part in [_split(total, rng.dirichlet(CALL_SHAPE * 60, n))]
            for i, band in enumerate(CALL_TIMES)
        ]
        shared = [("CBT001", "08:00-09:59", 0.6), ("CBT001", "10:00-11:59", 0.4)]
        files.append(_telephony_zip(folder, month, "time", people, on, rows, shared, rng))
    if f"{month:%Y-%m}" >= CORE_FIRST:
        rows = [
            ("CBT003", f"{band},{category}", part[:, j])
            for i, band in enumerate(WAIT_BANDS)
            for part in [_split(wait[:, i], rng.dirichlet([3, 8, 1], n))]
            for j, category in enumerate(CORE_CATEGORIES)
        ]
        shared = [("CBT003", "31_60,Core_10_1830", 0.7)]
        files.append(_telephony_zip(folder, month, "core", people, on, rows, shared, rng))
    return files


def _telephony_zip(folder: Path, month, kind, people, on, rows, shared, rng) -> Path:
    """One file kind's month as published: a zip of one CSV per region plus Unmapped, each
    practice's (indicator, band cells, calls) rows and a shared phone account's per region (at
    its first practice's PCN) and Unmapped, each a share of the account's inbound calls (None:
    those not answered)."""
    date = f"{month:%Y-%m}-01"
    regions: dict[str, list[str]] = {region: [] for region in sorted(set(people["region"]))}
    for indicator, band, values in rows:
        shown = values.tolist()
        for i, prefix in enumerate(people["cbt"]):
            if on[i] and shown[i] > 0:
                regions[people["region"][i]].append(
                    f"{date},{prefix},{indicator},{band},{shown[i]:.1f}"
                )
    places = {people["region"][i]: people["cbt"][i].rsplit(",", 1)[0] for i in range(len(on))}
    places["Unmapped"] = "Unmapped,Unmapped,Unmapped,Unmapped"
    for region, where in places.items():
        inbound = float(rng.integers(200, 2000))
        answered = np.round(inbound * 0.7)
        regions.setdefault(region, []).extend(
            f"{date},{where},Unassigned,{indicator},{band},"
            f"{inbound - answered if share is None else np.round(inbound * share):.1f}"
            for indicator, band, share in shared
        )
    title, columns = CBT_KINDS[kind]
    title = f"Cloud Based Telephony {title} - {month:%B %Y}"
    header = ",".join([*CBT_HEADER, *columns, "Value"])
    archive = folder / f"{title}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zipped:
        for region, lines in regions.items():
            zipped.writestr(f"{title}_{region}.csv", header + "\n" + "\n".join(lines) + "\n")
    return archive


def _split(total: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Whole-number parts of each total in the given shares (the last part takes the rest)."""
    parts = np.floor(total[:, None] * shares)
    parts[:, -1] = total - parts[:, :-1].sum(axis=1)
    return parts
