"""`flask data load | fetch | refresh | demo | status`: load publications and say what is
loaded and when the next edition is due."""

import time

import click
from flask.cli import AppGroup

from portal.queries.datasets import loaded_datasets
from portal.sources import SOURCES  # the loadable datasets, named without importing the loaders

data_cli = AppGroup("data", help="Load NHS publications and inspect what is loaded.")


def _echo_progress(message: str) -> None:
    click.echo(f"  {message}")


@data_cli.command("load")
@click.argument("dataset", type=click.Choice(sorted(SOURCES)))
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--period",
    default=None,
    help="The period the files cover when their names do not say (e.g. 2021-22, 2026, 2025-09).",
)
def load_command(dataset: str, paths: tuple[str, ...], period: str | None) -> None:
    """Load DATASET from PATHS (files, folders or zips); each file is one transaction."""
    from portal.ingest import load_paths  # pandas and pyarrow: only for the commands that load
    from portal.ingest.base import IngestError

    started = time.perf_counter()
    try:
        results = load_paths(dataset, list(paths), progress=_echo_progress, period=period)
    except IngestError as exc:
        raise click.ClickException(str(exc)) from None
    for result in results:
        click.echo(result.describe())
    click.echo(f"done in {time.perf_counter() - started:.1f}s")


@data_cli.command("demo")
@click.option(
    "--practices", default=6200, show_default=True, help="Practices in synthetic England."
)
@click.option("--months", default=24, show_default=True, help="Months of monthly data.")
@click.option("--seed", default=2026, show_default=True)
def demo_command(practices: int, months: int, seed: int) -> None:
    """Write synthetic England in the real file layouts and load it through the ingesters."""
    from portal.ingest.demo import load_demo

    started = time.perf_counter()
    load_demo(practices=practices, months=months, seed=seed, progress=_echo_progress)
    click.echo(f"demo data loaded in {time.perf_counter() - started:.1f}s")


@data_cli.command("status")
def status_command() -> None:
    """What is loaded: dataset, periods, when, and when the next edition is due."""
    rows = loaded_datasets()
    if not rows:
        click.echo("nothing loaded yet: try `flask data demo` or `flask data load`")
        return
    for row in rows:
        synthetic = " (synthetic)" if row.synthetic else ""
        click.echo(
            f"{row.dataset:22} {row.periods:>3} period(s), latest {row.latest:10} "
            f"loaded {row.loaded_at:%Y-%m-%d %H:%M}{synthetic}, "
            f"next update due {row.next_update_due}"
        )


# exit codes a scheduler acts on
EXIT_OK, EXIT_FAILED, EXIT_BUSY, EXIT_NOT_FETCHABLE = 0, 1, 2, 2


@data_cli.command("fetch")
@click.argument("dataset", type=click.Choice(sorted(SOURCES)))
@click.option(
    "--period",
    default=None,
    help="The edition: 2025-12, or 2022-23 (payments); the newest if unset.",
)
@click.option("--dry-run", is_flag=True, help="Say what would be fetched; download nothing.")
@click.option("--force", is_flag=True, help="Replace a loaded edition the publisher republished.")
def fetch_command(dataset: str, period: str | None, dry_run: bool, force: bool) -> None:
    """Download DATASET's edition from its publisher, verify it and load it.

    Exit code 0: loaded, or already loaded; 1: failed, or a republished edition needs --force;
    2: the dataset cannot be fetched yet (its message says where to download it)."""
    from portal.fetch.editions import FETCHABLE, not_fetchable, period_problem
    from portal.fetch.loading import fetch

    if dataset not in FETCHABLE:
        click.echo(f"Error: {not_fetchable(dataset)}", err=True)
        raise SystemExit(EXIT_NOT_FETCHABLE)
    problem = period and period_problem(dataset, period)
    if problem:
        raise click.BadParameter(problem, param_hint="--period")
    outcome = fetch(dataset, period, force=force, dry_run=dry_run, progress=_echo_progress)
    click.echo(outcome.describe())
    raise SystemExit(EXIT_FAILED if outcome.failed else EXIT_OK)


@data_cli.command("refresh")
@click.option("--dry-run", is_flag=True, help="Say what would be fetched; download nothing.")
@click.option("--force", is_flag=True, help="Replace loaded editions the publishers republished.")
def refresh_command(dry_run: bool, force: bool) -> None:
    """Fetch every dataset's editions newer than what is loaded, ODS first, under a lock.

    Exit code 0: everything loaded or nothing new; 1: a dataset failed or needs --force;
    2: another refresh is running."""
    from portal.fetch.lock import RefreshRunning, refresh_lock
    from portal.fetch.refresh import refresh

    started = time.perf_counter()
    try:
        with refresh_lock():
            outcomes = refresh(
                force=force,
                dry_run=dry_run,
                progress=_echo_progress,
                announce=lambda outcome: click.echo(outcome.describe()),
            )
    except RefreshRunning as exc:
        click.echo(f"Error: {exc}; not starting another", err=True)
        raise SystemExit(EXIT_BUSY) from None
    click.echo(summary(outcomes))
    click.echo(f"done in {time.perf_counter() - started:.1f}s")
    raise SystemExit(EXIT_FAILED if any(o.failed for o in outcomes) else EXIT_OK)


def summary(outcomes) -> str:
    """The table at the end of a refresh: one row per dataset-period."""
    rows = [("dataset", "period", "outcome")] + [(o.dataset, o.period, o.status) for o in outcomes]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in rows]  # fmt: skip
    return "\n".join(["", lines[0], "  ".join("-" * w for w in widths), *lines[1:]])
