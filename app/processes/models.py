"""Deployed process versions. A case runs on the version it started with; new cases take the newest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utcnow
from app.core.db import JSONType
from app.extensions import db


class ProcessVersion(db.Model):
    __tablename__ = "process_versions"
    __table_args__ = (Index("ix_process_versions_process_hash", "process_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(80), index=True)  # BPMN process id, e.g. residence_permit
    name: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))  # sha256 over the BPMN, its DMNs and its forms
    version_number: Mapped[int] = mapped_column(default=1)  # 1, 2, 3 … per process_id
    # {"bpmn": {filename: xml}, "dmn": {filename: xml}, "forms": {form_id: definition}}
    sources: Mapped[dict] = mapped_column(JSONType)
    deployed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
