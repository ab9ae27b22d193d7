"""`flask data load | demo | status`: load publications and say what is loaded."""

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
    """What is loaded: dataset, periods, source files and when."""
    rows = loaded_datasets()
    if not rows:
        click.echo("nothing loaded yet: try `flask data demo` or `flask data load`")
        return
    for row in rows:
        synthetic = " (synthetic)" if row.synthetic else ""
        click.echo(
            f"{row.dataset:22} {row.periods:>3} period(s), latest {row.latest:10} "
            f"loaded {row.loaded_at:%Y-%m-%d %H:%M}{synthetic}"
        )
