"""Celery worker entry point:  celery -A app.worker worker --loglevel=info   (needs CELERY_BROKER_URL)."""
from __future__ import annotations

from app import create_app
from app.core import jobs

flask_app = create_app({"DEPLOY_ON_START": False})

with flask_app.app_context():
    celery = jobs.celery_app()


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
