"""Where each publication's edition is and which of its files we load (../shared/DATA-FETCH.md):
edition pages follow a pattern, file addresses do not, so the page's links are matched by name."""

from __future__ import annotations

import calendar
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import httpx

from portal.fetch.download import FetchError, get_page
from portal.fetch.publishers import (
    EPCN_WORKBOOK,
    STATISTICAL,
    SUCCESSORS_FILE,
    gp_patient,
    nhs_digital,
    ods_dse,
)
from portal.sources import SOURCES, period_label

MONTH_NAMES = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_VERSION = re.compile(r"[_-]v(\d+)(?=\.[^.]+$)", re.IGNORECASE)  # _V2, -v2
CURRENT = "current"  # the period of reference data (ODS): whatever the publisher has today


@dataclass(frozen=True)
class RemoteFile:
    url: str
    name: str  # the file name, URL-decoded: what it is saved and loaded as


@dataclass(frozen=True)
class Edition:
    dataset: str
    period: str
    page: str  # where the files were found (the file itself for ODS)
    files: tuple[RemoteFile, ...]  # loaded in this order
    republishable: bool = True  # False: reference data, whose every fetch may differ


def month_slug(period: str) -> str:
    """'2025-12' -> 'december-2025'."""
    year, month = int(period[:4]), int(period[5:])
    return f"{calendar.month_name[month].lower()}-{year}"


def month_end_slug(period: str) -> str:
    """'2025-12' -> '31-december-2025' (workforce editions are named for their snapshot day)."""
    year, month = int(period[:4]), int(period[5:])
    return f"{calendar.monthrange(year, month)[1]}-{month_slug(period)}"


def period_of_slug(slug: str) -> str | None:
    """'december-2025', '31-december-2025' or 'final-30-september-2019' -> 'YYYY-MM'."""
    match = re.fullmatch(r"(?:final-)?(?:\d{1,2}-)?([a-z]+)-(\d{4})", slug)
    if not match or match.group(1) not in MONTH_NAMES:
        return None
    return f"{match.group(2)}-{MONTH_NAMES[match.group(1)]:02d}"


def england_year_slug(period: str) -> str:
    """'2022-23' -> 'england-2022-23' (NHS Payments to General Practice)."""
    return f"england-{period}"


def period_of_england_year(slug: str) -> str | None:
    """'england-2022-23' -> '2022-23'."""
    match = re.fullmatch(r"england-(\d{4})-(\d{2})", slug)
    if not match or int(match.group(2)) != (int(match.group(1)) + 1) % 100:
        return None
    return f"{match.group(1)}-{match.group(2)}"


def financial_year_slug(period: str) -> str:
    """'2024-25' -> '2024-25' (QOF editions are named for their financial year)."""
    return period


def period_of_financial_year(slug: str) -> str | None:
    """'2024-25' -> '2024-25'; anything else (a supporting page, '2018-19-pas') -> None."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", slug)
    if not match or int(match.group(2)) != (int(match.group(1)) + 1) % 100:
        return None
    return slug


@dataclass(frozen=True)
class Publication:
    """An NHS England series: its slug under the statistical publications, how an edition's
    slug is built from a period and read back, and one pattern per file to load (matched
    against file names)."""

    series: str
    slug: Callable[[str], str]
    files: tuple[str, ...]
    period_of: Callable[[str], str | None] = period_of_slug
    shape: str = r"\d{4}-(0[1-9]|1[0-2])"  # a period as --period takes it
    example: str = "2025-12"

    @property
    def series_url(self) -> str:
        return nhs_digital(f"{STATISTICAL}/{self.series}")


PUBLICATIONS: dict[str, Publication] = {
    "patients-registered": Publication(
        "patients-registered-at-a-gp-practice",
        month_slug,
        (r"gp-reg-pat-prac-map(?:[-_][\w-]+)?\.(?:csv|zip)",
         r"gp-reg-pat-prac-all(?:[-_][\w-]+)?\.(?:csv|zip)",
         r"gp-reg-pat-prac-quin-age(?:[-_][\w-]+)?\.(?:csv|zip)"),
    ),
    "gpad": Publication(
        "appointments-in-general-practice",
        month_slug,
        (r"Practice_Level_Crosstab_[A-Z][a-z]{2}_\d{2}(?:_v\d+)?\.zip",),
    ),
    "online-consultations": Publication(
        "submissions-via-online-consultation-systems-in-general-practice",
        month_slug,
        (r"(?!.*By Day and Time).*in General Practice.*\.zip", r".*By Day and Time.*\.zip"),
    ),
    "telephony": Publication(
        "cloud-based-telephony-data-in-general-practice",
        month_slug,
        (r".*By Durations.*\.zip",),  # every indicator, CBT001 to CBT007
    ),
    "workforce": Publication(
        "general-and-personal-medical-services",
        month_end_slug,
        (r"GPWPracticeCSV\.\d{4,6}(?:_v\d+)?\.zip",),
    ),
    "payments": Publication(
        "nhs-payments-to-general-practice",
        england_year_slug,
        (r"nhspaymentsgp-\d{2}-\d{2}-prac-csv(?:[-_]v\d+)?\.csv",),
        period_of_england_year,
        r"\d{4}-\d{2}",
        "2022-23",
    ),
}  # fmt: skip

# QOF: one raw-data zip per year for both datasets ('QOF2425.zip', 'QOF 2022-23 Raw data .csv
# files.zip', 'QOF_2122_V2.zip'), holding PREVALENCE, ACHIEVEMENT (by region from 2022-23) and
# MAPPING_INDICATORS; each dataset's loader takes its own files from it and skips the rest.
QOF = Publication(
    "quality-and-outcomes-framework-achievement-prevalence-and-exceptions-data",
    financial_year_slug,
    (r"QOF[ _-]?(?:\d{4}|\d{4}-\d{2})(?:[ _-][^/]*)?\.zip",),
    period_of_financial_year,
    r"\d{4}-\d{2}",
    "2024-25",
)
PUBLICATIONS |= {"qof-prevalence": QOF, "qof-achievement": QOF}

# GP Patient Survey (Ipsos): the practice results CSV of a survey year, linked from the survey's
# reports page (read first, which also starts the session its download links want) either
# directly or through `FileDownload/Download?fileRedirect=<year>/…/<file>`.
GPPS = "gpps"
GPPS_PAGE = "/surveysandreports"
GPPS_FILE = r"GPPS_{year}_Practice_data_\(weighted\)_\(csv\)(?:_v\d+)?_PUBLIC(?:_v\d+)?\.csv"

REFERENCE: dict[str, tuple[Callable[[], str], str]] = {  # dataset -> (address, file name)
    "ods-practices": (lambda: ods_dse("/api/getReport?report=epraccur"), "epraccur.csv"),
    "ods-pcns": (lambda: nhs_digital(EPCN_WORKBOOK), "epcn.zip"),
    "ods-successors": (lambda: nhs_digital(SUCCESSORS_FILE), "succ.zip"),
}

FETCHABLE = (*REFERENCE, *PUBLICATIONS, GPPS)


def period_problem(dataset: str, period: str) -> str | None:
    """Why `period` cannot name an edition of `dataset` (None when it can)."""
    if dataset == GPPS:
        if re.fullmatch(r"20\d{2}", period):
            return None
        return f"{period!r} is not a period of {dataset} like 2025"
    publication = PUBLICATIONS.get(dataset)
    if publication is None:  # ODS: `edition` says it has no periods
        return None
    shaped = re.fullmatch(publication.shape, period)
    if shaped and publication.period_of(publication.slug(period)) == period:
        return None
    return f"{period!r} is not a period of {dataset} like {publication.example}"


def not_fetchable(dataset: str) -> str:
    """Why a dataset cannot be fetched, and what to do instead."""
    return (
        f"{dataset} is not yet fetchable: download it from {SOURCES[dataset].url} "
        f"and use `flask data load {dataset} FILE`"
    )


def edition(http: httpx.Client, dataset: str, period: str | None) -> Edition:
    """The edition of `dataset` for `period` (the newest listed when None) and its files."""
    if dataset in REFERENCE:
        if period not in (None, CURRENT):
            raise FetchError(f"{dataset} has no periods: ODS publishes only the current list")
        address, name = REFERENCE[dataset]
        url = address()
        return Edition(dataset, CURRENT, url, (RemoteFile(url, name),), republishable=False)
    if dataset == GPPS:
        return gpps_edition(http, period)
    publication = PUBLICATIONS[dataset]
    if period is None:
        listed = listed_periods(http, dataset)
        if not listed:
            raise FetchError(f"{publication.series_url}: no editions listed on the series page")
        period = listed[-1]
    page = f"{publication.series_url}/{publication.slug(period)}"
    try:
        text = get_page(http, page)
    except FetchError as exc:
        if exc.status == 404:
            raise FetchError(
                f"{SOURCES[dataset].publication} has no edition for "
                f"{period_label(period)} at {page} (404: not published yet, or the page moved)"
            ) from None
        raise
    links = page_links(text, page)
    files = tuple(pick(links, pattern, page) for pattern in publication.files)
    return Edition(dataset, period, page, files)


def gpps_edition(http: httpx.Client, year: str | None) -> Edition:
    """The survey year's practice results CSV (the newest linked when `year` is None)."""
    page = gp_patient(GPPS_PAGE)
    links = page_links(get_page(http, page), page)
    if year is None:
        years = gpps_years(links)
        if not years:
            raise FetchError(f"{page}: no GP Patient Survey practice results linked")
        year = years[-1]
    return Edition(GPPS, year, page, (pick(links, GPPS_FILE.format(year=year), page),))


def gpps_years(links: list[RemoteFile]) -> list[str]:
    """The survey years whose practice results a page links to, oldest first."""
    pattern = GPPS_FILE.format(year=r"(20\d{2})")
    return sorted({m.group(1) for f in links if (m := re.fullmatch(pattern, f.name, re.I))})


def listed_periods(http: httpx.Client, dataset: str) -> list[str]:
    """The periods of the editions the series page links to, oldest first."""
    if dataset == GPPS:
        page = gp_patient(GPPS_PAGE)
        return gpps_years(page_links(get_page(http, page), page))
    publication = PUBLICATIONS[dataset]
    base = urlsplit(publication.series_url).path.rstrip("/") + "/"
    periods = set()
    for link in page_links(get_page(http, publication.series_url), publication.series_url):
        path = urlsplit(link.url).path.rstrip("/")
        if path.startswith(base) and (period := publication.period_of(path[len(base) :])):
            periods.add(period)
    return sorted(periods)


def page_links(text: str, page: str) -> list[RemoteFile]:
    """Every link on a page, made absolute, with its URL-decoded last segment as its name (of
    a `fileRedirect=` download link, the last segment of the file it redirects to)."""
    links = {}
    for href in _HREF.findall(text):
        url = urljoin(page, html.unescape(href).strip())
        parts = urlsplit(url)
        redirect = parse_qs(parts.query).get("fileRedirect")
        path = redirect[0] if redirect else unquote(parts.path)
        links[url] = RemoteFile(url, path.rsplit("/", 1)[-1])
    return list(links.values())


def pick(links: list[RemoteFile], pattern: str, page: str) -> RemoteFile:
    """The one link whose file name matches; of re-releases (`_v2`), the highest version."""
    found = [f for f in links if re.fullmatch(pattern, f.name, re.IGNORECASE)]
    if not found:
        raise FetchError(f"{page}: no file matching {pattern!r} on the edition page")
    found.sort(key=_version, reverse=True)
    if len(found) > 1 and _version(found[0]) == _version(found[1]):
        names = ", ".join(sorted({f.name for f in found}))
        raise FetchError(f"{page}: more than one file matches {pattern!r}: {names}")
    return found[0]


def _version(file: RemoteFile) -> int:
    match = _VERSION.search(file.name)
    return int(match.group(1)) if match else 1
