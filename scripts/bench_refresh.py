"""Time a full refresh of 24 months of every monthly dataset against a loopback publisher.

Writes synthetic England (portal.ingest.demo) with every month of each monthly publication,
serves the files under their published names from series and edition pages on a loopback HTTP
server shaped like digital.nhs.uk (and ODS's getReport), then, into a fresh database, fetches
ODS once and every month of patients registered, GPAD, online consultations, telephony and
workforce in refresh order through portal.fetch's own steps: find the edition page, download
its files, load them. Prints each dataset's per-step medians over the months and names the
slowest step. Files the demo writes for fewer months (age bands, the practice map, online
consultations by day and time, workforce) are the latest month's with the date rewritten.

Usage: python scripts/bench_refresh.py [--practices 1000] [--months 24] [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import calendar
import gzip
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from collections import defaultdict
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERIES = "/data-and-information/publications/statistical"
MONTHLY = ("patients-registered", "gpad", "online-consultations", "telephony", "workforce")
OC = "Submissions via Online Consultation Systems in General Practice"
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


class Publisher:
    """Pages (HTML text) and files (paths on disk) by request path, on 127.0.0.1."""

    def __init__(self):
        self.pages: dict[str, str] = {}
        self.files: dict[str, Path] = {}
        publisher = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path in publisher.pages:
                    body, kind = publisher.pages[self.path].encode(), "text/html"
                elif self.path in publisher.files:
                    body, kind = publisher.files[self.path].read_bytes(), "application/zip"
                else:
                    body, kind, status = b"not found", "text/html", 404
                    return self._send(status, body, kind)
                return self._send(200, body, kind)

            def _send(self, status, body, kind):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def serve(self, path: Path, name: str, number: int) -> str:
        """Serve `path` as `name` under a hashed folder, as files.digital.nhs.uk does."""
        address = f"/files/{number % 256:02X}/{uuid.uuid4().hex[:6].upper()}/{quote(name)}"
        self.files[address] = path
        return address


def zipped(folder: Path, name: str, members: dict[str, bytes]) -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def written(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def edition_files(dataset: str, month: date, files: dict, staging: Path) -> list[tuple[str, Path]]:
    """(published name, file) for one dataset-month, built from the demo's files."""
    latest_iso = files["latest"].strftime("%Y-%m-%d")
    iso, mon = month.strftime("%Y-%m-%d"), month.strftime("%b")
    label = f"{calendar.month_name[month.month]} {month.year}"
    folder = staging / dataset / month.strftime("%Y-%m")
    folder.mkdir(parents=True, exist_ok=True)
    if dataset == "patients-registered":
        latest = files["latest"].strftime("%d%b%Y")
        mapping = (
            files["map"].read_bytes().replace(latest.encode(), month.strftime("%d%b%Y").encode())
        )
        quin = gzip.decompress(files["quin"].read_bytes()).replace(
            latest_iso.encode(), iso.encode()
        )
        return [
            ("gp-reg-pat-prac-map.csv", written(folder, "map.csv", mapping)),
            ("gp-reg-pat-prac-all.csv", files["all"][month]),
            ("gp-reg-pat-prac-quin-age.zip",
             zipped(folder, "quin.zip", {"gp-reg-pat-prac-quin-age.csv": quin})),
        ]  # fmt: skip
    if dataset == "gpad":
        source = files["gpad"][month]
        name = f"Practice_Level_Crosstab_{mon}_{month:%y}.zip"
        return [(name, zipped(folder, name, {source.name: source.read_bytes()}))]
    if dataset == "online-consultations":
        source = files["oc"][month]
        times = files["oc times"].read_bytes().replace(latest_iso.encode(), iso.encode())
        main, by_time = f"{OC} - {label}.zip", f"{OC} By Day and Time - {label}.zip"
        return [
            (main, zipped(folder, "oc.zip", {source.name: source.read_bytes()})),
            (by_time, zipped(folder, "times.zip", {f"OC_by_day_and_time_{month:%Y-%m}.csv": times})),
        ]  # fmt: skip
    if dataset == "telephony":
        return [(f"Cloud Based Telephony By Durations - {label}.zip", files["telephony"][month])]
    name = f"GPWPracticeCSV.{month:%m%Y}.zip"  # workforce
    member = f"General Practice – {label} Practice Level.csv"
    return [(name, zipped(folder, name, {member: files["workforce"].read_bytes()}))]


def demo_files(folder: Path, practices: int, months: int) -> dict:
    """The demo's files, by dataset and month."""
    import portal.ingest.demo_activity as activity
    from portal.ingest.demo import write_files

    activity.GPAD_MONTHS = activity.OC_MONTHS = activity.TELEPHONY_MONTHS = months
    written_files = write_files(folder, practices, months, seed=2026)

    def by_month(paths, prefix):
        return {_month_of(p.name): p for p in paths if p.name.startswith(prefix)}

    registered = written_files["patients-registered"]
    all_files = by_month(registered, "gp-reg-pat-prac-all_")
    latest = max(all_files)
    return {
        "ods-practices": written_files["ods-practices"][0],
        "ods-pcns": written_files["ods-pcns"][0],
        "latest": latest,
        "all": all_files,
        "map": next(p for p in registered if p.name.startswith("gp-reg-pat-prac-map_")),
        "quin": next(p for p in registered if latest.strftime("quin-age_%Y-%m") in p.name),
        "gpad": {_month_of(p.name): p for p in written_files["gpad"]},
        "oc": by_month(written_files["online-consultations"], "OC_practice_level_"),
        "oc times": next(p for p in written_files["online-consultations"] if "day_and_time" in p.name),
        "telephony": {_month_of(p.name): p for p in written_files["telephony"]},
        "workforce": written_files["workforce"][-1],
    }  # fmt: skip


def _month_of(name: str) -> date:
    from portal.ingest.periods import month_from_name

    found = month_from_name(name)
    if found is None:  # 'Practice_Level_Crosstab_Jan_24_England.csv'
        parts = name.split("_")
        found = f"20{parts[4]}-{list(calendar.month_abbr).index(parts[3]):02d}"
    return date(int(found[:4]), int(found[5:7]), 1)


def publish(publisher: Publisher, files: dict, months: list[date], staging: Path) -> None:
    """Series and edition pages for every monthly dataset and month; ODS's two files."""
    from portal.fetch.editions import PUBLICATIONS
    from portal.fetch.publishers import EPCN_WORKBOOK

    staging.mkdir(parents=True, exist_ok=True)
    publisher.files["/api/getReport?report=epraccur"] = files["ods-practices"]
    epcn = zipped(staging, "epcn.zip", {"epcn.xlsx": files["ods-pcns"].read_bytes()})
    publisher.files[EPCN_WORKBOOK] = epcn
    number = 0
    for dataset in MONTHLY:
        publication = PUBLICATIONS[dataset]
        series = f"{SERIES}/{publication.series}"
        slugs = []
        for month in months:
            slug = publication.slug(f"{month:%Y-%m}")
            slugs.append(slug)
            links = []
            for name, path in edition_files(dataset, month, files, staging):
                number += 1
                links.append(
                    f'<a href="{publisher.url}{publisher.serve(path, name, number)}">{name}</a>'
                )
            publisher.pages[f"{series}/{slug}"] = "<html><body>" + "".join(links) + "</body></html>"
        publisher.pages[series] = "<html><body>" + "".join(
            f'<a href="{series}/{slug}">{slug}</a>' for slug in slugs
        ) + "</body></html>"  # fmt: skip


def database(kind: str, tmp: Path) -> tuple[str, callable]:
    import sqlalchemy as sa

    if kind != "postgresql":
        return f"sqlite:///{tmp / 'bench_refresh.db'}", lambda: None
    name = f"haresign_bench_{uuid.uuid4().hex[:8]}"
    base = PG_URL.replace("postgresql://", "postgresql+psycopg://")
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return base.rsplit("/", 1)[0] + "/" + name, drop


def timed_fetch(dataset: str, period: str | None, times: dict, failures: list) -> None:
    """portal.fetch's steps for one edition (as loading.fetch runs them), each timed."""
    from portal.fetch.download import FetchError, client, download
    from portal.fetch.editions import edition
    from portal.fetch.loading import _takes_period
    from portal.ingest import load_paths, regroup_peers
    from portal.ingest.base import DOWNLOAD, IngestError

    try:
        with client() as http, tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            found = edition(http, dataset, period)
            times[dataset, "find edition"].append(time.perf_counter() - started)
            started = time.perf_counter()
            downloads = [download(http, f.url, Path(folder), f.name) for f in found.files]
            times[dataset, "download"].append(time.perf_counter() - started)
            extra = {"period": found.period} if _takes_period(dataset) else {}
            started = time.perf_counter()
            results = []
            for file in downloads:
                token = DOWNLOAD.set(file.provenance())
                try:
                    results += load_paths(dataset, [file.path], regroup=False, **extra)
                finally:
                    DOWNLOAD.reset(token)
            regroup_peers(dataset, results)
            times[dataset, "load"].append(time.perf_counter() - started)
    except (FetchError, IngestError) as exc:
        failures.append(f"{dataset} {period}: {exc}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=1000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    from flask_migrate import upgrade

    from portal import create_app
    from portal.fetch.refresh import ORDER

    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as tmp:
        tmp = Path(tmp)
        started = time.perf_counter()
        files = demo_files(tmp / "demo", args.practices, args.months)
        months = sorted(files["all"])[-args.months :]
        publisher = Publisher()
        publish(publisher, files, months, tmp / "published")
        print(f"wrote and published {args.months} months for {args.practices:,} practices in "
              f"{time.perf_counter() - started:.1f}s")  # fmt: skip
        url, drop = database(args.database, tmp)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "NHS_DIGITAL_BASE_URL": publisher.url,
                          "ODS_DSE_BASE_URL": publisher.url})  # fmt: skip
        times, failures = defaultdict(list), []
        try:
            with app.app_context():
                upgrade()
                started = time.perf_counter()
                for dataset in ORDER:
                    if dataset in ("ods-practices", "ods-pcns"):
                        timed_fetch(dataset, None, times, failures)
                    elif dataset in MONTHLY:
                        for month in months:
                            timed_fetch(dataset, f"{month:%Y-%m}", times, failures)
                total = time.perf_counter() - started
        finally:
            drop()
        report(times, failures, total, args)


def report(times: dict, failures: list, total: float, args) -> None:
    print(f"\nrefresh of {args.months} months, {args.practices:,} practices, {args.database}: "
          f"{total:.1f}s in all")  # fmt: skip
    print(f"{'dataset':<22}{'step':<14}{'editions':>9}{'median s':>10}{'total s':>10}")
    rows = []
    for (dataset, step), values in times.items():
        rows.append((dataset, step, len(values), statistics.median(values), sum(values)))
        print(f"{dataset:<22}{step:<14}{len(values):>9}{rows[-1][3]:>10.3f}{rows[-1][4]:>10.1f}")
    monthly = [r for r in rows if r[0] in MONTHLY]
    if monthly:
        slowest = max(monthly, key=lambda r: r[3])
        print(f"slowest step: {slowest[0]} {slowest[1]} (median {slowest[3]:.3f}s an edition, "
              f"{slowest[4]:.1f}s over {slowest[2]} editions)")  # fmt: skip
    for failure in failures:
        print(f"FAILED {failure}")
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
