"""Imports every model module so metadata is complete (Alembic autogenerate, create_all in tests)."""

from app.accounts import models as accounts_models  # noqa: F401
from app.calendar import models as calendar_models  # noqa: F401
from app.cases import models as cases_models  # noqa: F401
from app.core import sequences  # noqa: F401
from app.inbox import models as inbox_models  # noqa: F401
from app.letters import models as letters_models  # noqa: F401
from app.notifications import models as notifications_models  # noqa: F401
from app.permits import models as permits_models  # noqa: F401
from app.points import models as points_models  # noqa: F401
from app.portal import models as portal_models  # noqa: F401
from app.processes import models as processes_models  # noqa: F401
from app.schools import models as schools_models  # noqa: F401
from app.supervision import models as supervision_models  # noqa: F401
