"""Flask CLI: `flask anju deploy`, `flask anju seed-demo`, `flask anju run-pending`, `flask anju fire-timers`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db

anju = AppGroup("anju", help="Anju administration commands.")


@anju.command("deploy")
def deploy_command() -> None:
    """Check and deploy bpmn/ + forms/; refuses everything if any file is invalid."""
    from app.calendar.service import seed_years
    from app.core.clock import today
    from app.core.errors import ProcessDefinitionError
    from app.processes import specs

    try:
        results = specs.deploy_all()
        # Deadlines need the calendar of last year to next year; loaded or official years are left alone.
        seed_years(range(today().year - 1, today().year + 2))
        db.session.commit()
    except ProcessDefinitionError as exc:
        db.session.rollback()
        raise click.ClickException(
            f"nothing deployed — {exc.file}: element {exc.element or '-'}: {exc.reason}"
        ) from exc
    for r in results:
        state = "(new)" if r.created else "(unchanged)"
        click.echo(f"{r.process_id}: version {r.version_number} {state} {r.content_hash[:12]}")


@anju.command("seed-demo")
@click.option("--cases", default=100, show_default=True, help="How many residence permit cases to create.")
def seed_demo_command(cases: int) -> None:
    """Org tree, users for every role, calendar, and demo cases in every state (empty database only)."""
    from flask import current_app

    from app import demo

    # Letters of demo cases are rendered on first download (or by `flask anju run-pending`), not all at start-up.
    current_app.config["JOBS_MODE"] = "manual"
    demo.seed(cases=cases)
    click.echo(f"demo data ready: {cases} cases. Users (password {demo.DEMO_PASSWORD}):")
    for username, role, unit in demo.USERS:
        click.echo(f"  {username:<18} {role:<11} {unit}")


@anju.command("run-pending")
def render_letters_command() -> None:
    """Render every issued letter whose PDF is not stored yet (normally done by the worker after commit)."""
    from sqlalchemy import select

    from app.letters.models import Letter
    from app.letters.service import render_letter

    ids = db.session.scalars(select(Letter.id).where(Letter.pdf.is_(None))).all()
    for letter_id in ids:
        render_letter(letter_id)
        db.session.commit()
    click.echo(f"rendered {len(ids)} letters")


@anju.command("fire-timers")
@click.option("--limit", default=500, show_default=True, help="Cases per batch; batches repeat while timers fire.")
def fire_timers_command(limit: int) -> None:
    """Fire every due BPMN timer now (for cron when neither the web process's scanner nor Celery beat runs)."""
    from app.cases.timers import fire_due

    total = 0
    while fired := fire_due(limit=limit):
        total += fired
    click.echo(f"fired {total} timers")


@anju.command("rebuild-tallies")
def rebuild_tallies_command() -> None:
    """Recount the open-task tallies of the dashboard and inbox from the task rows (after a bulk import)."""
    from app.inbox import tallies

    tallies.rebuild()
    db.session.commit()
    click.echo(f"{tallies.size()} tally rows")


def register(app: Flask) -> None:
    app.cli.add_command(anju)
