"""The statistics page as charts (inline SVG) and tables (HTML and CSV share the same rows)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.cases import services
from app.supervision import charts
from app.supervision.statistics import StatisticsPage

TABLES = ("weeks", "steps", "on_time", "clock", "waiting")
BUCKET_LABELS = {
    "overdue": _l("Overdue"),
    "today": _l("Due today"),
    "next3": _l("Due in the next 3 working days"),
    "at_risk": _l("At risk"),
}


def service_label(service_id: str | None) -> str:
    return services.label(service_id)


def duration_text(hours: float | None) -> str:
    """'less than an hour', '5 h', '2 d 3 h' (elapsed time, not working time)."""
    if hours is None:
        return "—"
    whole = round(hours)
    if whole < 1:
        return _("less than an hour")
    if whole < 24:
        return _("%(h)s h", h=whole)
    return _("%(d)s d %(h)s h", d=whole // 24, h=whole % 24)


def bucket_label(bucket: str | None) -> str:
    return str(BUCKET_LABELS.get(bucket or "", _("Open")))


def dashboard_tables(data, locale: str) -> dict[str, tuple[str, str, list[tuple[str, dict, object]]]]:
    """key → (caption, first column, [(row label, drill-down arguments, Counts)]) for the dashboard and its CSV."""
    return {
        "unit": (
            _("By department"),
            _("Department"),
            [(u.name(locale), {"unit_id": u.id}, c) for u, c in data.by_unit],
        ),
        "person": (
            _("By person"),
            _("Person"),
            [
                (p.display_name if p else _("not claimed yet"), {"person": p.id if p else "none"}, c)
                for p, c in data.by_person
            ],
        ),
        "service": (_("By service"), _("Service"), [(service_label(s), {"service": s}, c) for s, c in data.by_service]),
    }


def _hours(value: float) -> str:
    return f"{value:.1f}"


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def table(data: StatisticsPage, name: str, locale: str) -> tuple[list[str], list[list]]:
    """(header, rows) of one statistics table; the HTML page and the CSV export both use this."""
    if name == "steps":
        return (
            [_("Step"), _("Completed tasks"), _("Median (hours)"), _("90th percentile (hours)")],
            [[r.title, r.stat.count, r.stat.median_hours, r.stat.p90_hours] for r in data.steps],
        )
    if name == "on_time":
        return (
            [_("Department"), _("Completed tasks with a due date"), _("On time"), _("On-time rate (per cent)")],
            [[r.unit.name(locale), r.completed, r.on_time, round(r.rate * 100, 1)] for r in data.on_time],
        )
    if name == "clock":
        return (
            [_("Department"), _("Number of cases"), _("Average time with the department (hours)")],
            [[r.unit.name(locale), r.cases, r.average_hours] for r in data.clock],
        )
    if name == "waiting":
        return (
            [_("Step"), _("Cases waiting"), _("Average waiting time (hours)")],
            [[r.title, r.count, r.average_hours] for r in data.waiting],
        )
    return (
        [_("Week starting"), _("Cases opened"), _("Cases closed")],
        [[w.starts_on, w.opened, w.closed] for w in data.weeks],
    )


def charts_for(data: StatisticsPage, locale: str) -> dict[str, str]:
    empty = _("No data in this period.")
    weeks = charts.column_chart(
        title=_("Cases opened and closed per week"),
        labels=[w.starts_on.strftime("%m-%d") for w in data.weeks],
        series=[
            charts.Series(_("Cases opened"), [w.opened for w in data.weeks]),
            charts.Series(_("Cases closed"), [w.closed for w in data.weeks]),
        ],
        fmt=lambda v: f"{v:.0f}",
        empty_text=empty,
    )
    steps = charts.bar_chart(
        title=_("Time per step (hours)"),
        labels=[r.title for r in data.steps],
        series=[
            charts.Series(_("Median"), [r.stat.median_hours for r in data.steps]),
            charts.Series(_("90th percentile"), [r.stat.p90_hours for r in data.steps]),
        ],
        fmt=_hours,
        empty_text=empty,
    )
    on_time = charts.bar_chart(
        title=_("On-time rate per department"),
        labels=[r.unit.name(locale) for r in data.on_time],
        series=[charts.Series(_("On time"), [r.rate for r in data.on_time])],
        fmt=_percent,
        top=1.0,
        empty_text=empty,
    )
    clock = charts.bar_chart(
        title=_("Average time a case spends with each department (hours)"),
        labels=[r.unit.name(locale) for r in data.clock],
        series=[charts.Series(_("Average hours"), [r.average_hours for r in data.clock])],
        fmt=_hours,
        empty_text=empty,
    )
    return {"weeks": weeks, "steps": steps, "on_time": on_time, "clock": clock, "heat": heat_map(data)}


def heat_map(data: StatisticsPage) -> str | None:
    """The process diagram with the number of cases waiting at each step (the diagram renderer's heat overlay)."""
    if not data.service:
        return None
    from app.core.errors import NotFound
    from app.core.templating import english_page
    from app.processes import specs
    from app.processes.diagram import render_diagram_svg

    try:
        version = specs.latest_version_info(data.service)
    except NotFound:
        return None
    english = english_page()
    return render_diagram_svg(
        specs.bpmn_xml(version),
        process_id=data.service,
        counts={w.task_name: w.count for w in data.waiting},
        title=_(
            "%(process)s: cases waiting at each step",
            process=service_label(data.service) if english else version.name,
        ),
        english=english,
    )
