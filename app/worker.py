"""Celery worker entry point (needs CELERY_BROKER_URL; docs/timers.md):

celery -A app.worker worker -B --loglevel=info      # a worker that also schedules the timer scan (beat)
celery -A app.worker worker --loglevel=info         # more workers: no -B (exactly one beat per deployment)
"""

from __future__ import annotations

from celery.signals import worker_process_init

from app import create_app
from app.core import jobs

flask_app = create_app({"DEPLOY_ON_START": False})

with flask_app.app_context():
    celery = jobs.celery_app()


@worker_process_init.connect
def _fresh_connections(**_kwargs) -> None:
    """A prefork child must not reuse database connections inherited from the parent."""
    from app.extensions import db

    with flask_app.app_context():
        db.engine.dispose(close=False)


def _task(name: str):
    def run(**kwargs):
        from app.extensions import db

        with flask_app.app_context():
            try:
                jobs.resolve(name)(**kwargs)
                db.session.commit()
            finally:
                db.session.remove()

    run.__name__ = name.replace(".", "_")
    return celery.task(name=name, acks_late=True)(run)


for _name in jobs.REGISTRY:
    _task(_name)
