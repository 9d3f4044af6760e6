"""`flask anju scan-permits`: the endorsement scan once, for cron when neither the web process's scanner nor
Celery beat runs (docs/permits.md)."""

from __future__ import annotations

import click

from app.cli import anju


@anju.command("scan-permits")
@click.option("--limit", default=500, show_default=True, help="Permits per run; runs repeat while permits move.")
def scan_permits_command(limit: int) -> None:
    """Mark permits whose endorsement fell due, suspend those not endorsed by their anniversary."""
    from app.permits.scan import scan_endorsements

    total = 0
    while moved := scan_endorsements(limit=limit):
        total += moved
    click.echo(f"moved {total} permits")
