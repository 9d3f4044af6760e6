"""Log-in, passwords and who-may-see-what (jurisdiction)."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.models import AuditEntry, OrgUnit, Role, UnitKind, User, station_communities
from app.core.clock import utcnow
from app.extensions import db

# A hash to compare against when the user does not exist, so timing does not reveal valid user names.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


# Every request loads its user: built once, as `session.get` builds a select and its cache key on each call
# (≈100 µs of the request's ≈250 on SQLite, 850 on PostgreSQL; measured 2026-12-04).
_USER_BY_ID = select(User).where(User.id == bindparam("user_id"))


def user_by_id(user_id: int) -> User | None:
    """The signed-in user of a request (Flask-Login's loader), read from the database on every request so that a
    changed role takes effect at once; a deactivated account is signed out by Flask-Login itself
    (`is_authenticated` is `is_active`)."""
    return db.session.scalars(_USER_BY_ID, {"user_id": user_id}).first()


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def authenticate(*, username: str, password: str, ip: str | None) -> User | None:
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        record_audit(user=None, action="login_failed", detail=f"unknown user {username[:40]!r}", ip=ip)
        return None
    if not user.is_active or not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        record_audit(user=user, action="login_failed", detail=None, ip=ip)
        return None
    user.failed_logins = 0
    user.last_login_at = utcnow()
    record_audit(user=user, action="login", detail=None, ip=ip)
    return user


def record_audit(*, user: User | None, action: str, detail: str | None, ip: str | None = None) -> None:
    db.session.add(AuditEntry(user_id=user.id if user else None, action=action, detail=detail, ip=ip))


def set_locale(*, user: User | None, locale: str) -> None:
    if user is not None and locale in ("zh", "en"):
        user.locale = locale


def visible_unit_ids(user: User) -> set[int] | None:
    """Units whose tasks and cases `user` may see and act on; None means all (admin).

    A caseworker: their own unit. A supervisor: their unit and every unit below it.
    """
    if user.role == Role.ADMIN:
        return None
    if user.role == Role.SUPERVISOR:
        cache = db.session.info.setdefault("visible_units", {})  # per request/job: the tree does not move mid-request
        if user.id not in cache:
            unit = db.session.get(OrgUnit, user.unit_id)
            cache[user.id] = set(db.session.scalars(select(OrgUnit.id).where(OrgUnit.path.startswith(unit.path))))
        return cache[user.id]
    return {user.unit_id}


def police_station_for(community_id: int) -> OrgUnit | None:
    """Cached for the session (one request or job): routing asks this several times per step."""
    cache = db.session.info.setdefault("station_for", {})
    if community_id not in cache:
        cache[community_id] = _station_query(community_id)
    return cache[community_id]


# With the bureau above the station: a letter the station decides is signed by that bureau (cases.routing).
_STATION_FOR = (
    select(OrgUnit)
    .join(station_communities, station_communities.c.station_id == OrgUnit.id)
    .where(station_communities.c.community_id == bindparam("community_id"))
    .options(joinedload(OrgUnit.parent))
)


def _station_query(community_id: int) -> OrgUnit | None:
    return db.session.scalar(_STATION_FOR, {"community_id": community_id})


def first_unit_of_kind(kind: UnitKind, *, under: OrgUnit | None = None) -> OrgUnit | None:
    query = select(OrgUnit).where(OrgUnit.kind == kind).order_by(OrgUnit.id)
    if under is not None:
        query = query.where(OrgUnit.path.startswith(under.path))
    return db.session.scalar(query)


def add_unit(*, code: str, name_zh: str, name_en: str, kind: UnitKind, parent: OrgUnit | None, **details) -> OrgUnit:
    """Creates a unit and its materialised path (needs the id, hence the flush)."""
    unit = OrgUnit(code=code, name_zh=name_zh, name_en=name_en, kind=kind, parent=parent, **details)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    return unit
