"""Deploying process definitions from bpmn/ and forms/, and finding the version a case runs on.

A process version is the BPMN file plus the DMN tables and forms it references, hashed together: change any of
them and a new version is recorded; running cases keep the version they started on (forms included).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from lxml import etree
from sqlalchemy import bindparam, inspect, select

from app.core.errors import NotFound, ProcessDefinitionError
from app.extensions import db
from app.processes import engine
from app.processes.models import ProcessVersion
from app.processes.validation import NS

log = logging.getLogger(__name__)
DMN_NS = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}


@dataclass(frozen=True)
class DeployResult:
    process_id: str
    version_number: int
    content_hash: str
    created: bool


def _collect_sources(bpmn_dir: Path, forms_dir: Path) -> dict[str, dict]:
    """process_id → {"bpmn": {file: xml}, "dmn": {file: xml}, "forms": {form_id: definition}}."""
    decisions: dict[str, tuple[str, str]] = {}
    for path in sorted(bpmn_dir.glob("*.dmn")):
        xml = path.read_text(encoding="utf-8")
        try:
            root = etree.fromstring(xml.encode())
        except etree.XMLSyntaxError as exc:
            raise ProcessDefinitionError(path.name, None, f"not well-formed XML: {exc}") from exc
        for decision in root.findall("dmn:decision", DMN_NS):
            decisions[decision.get("id")] = (path.name, xml)
    result: dict[str, dict] = {}
    for path in sorted(bpmn_dir.glob("*.bpmn")):
        xml = path.read_text(encoding="utf-8")
        try:
            root = etree.fromstring(xml.encode())
        except etree.XMLSyntaxError as exc:
            raise ProcessDefinitionError(path.name, None, f"not well-formed XML: {exc}") from exc
        for process in root.findall("bpmn:process", NS):
            sources: dict[str, dict] = {"bpmn": {path.name: xml}, "dmn": {}, "forms": {}}
            for ref in process.iterfind(".//spiffworkflow:calledDecisionId", NS):
                decision_id = (ref.text or "").strip()
                if decision_id not in decisions:
                    raise ProcessDefinitionError(
                        path.name,
                        ref.getparent().getparent().get("id"),
                        f"decision {decision_id!r} is in no .dmn file in {bpmn_dir}",
                    )
                dmn_file, dmn_xml = decisions[decision_id]
                sources["dmn"][dmn_file] = dmn_xml
            for prop in process.iterfind(".//spiffworkflow:property[@name='form']", NS):
                form_id = prop.get("value")
                form_path = forms_dir / f"{form_id}.json"
                element = prop.getparent().getparent().getparent().get("id")
                if not form_path.exists():
                    raise ProcessDefinitionError(path.name, element, f"form {form_id!r} not found at {form_path}")
                try:
                    sources["forms"][form_id] = json.loads(form_path.read_text(encoding="utf-8"))
                except json.JSONDecodeError as exc:
                    raise ProcessDefinitionError(form_path.name, None, f"not valid JSON: {exc}") from exc
            result[process.get("id")] = sources
    return result


def _content_hash(sources: dict) -> str:
    return hashlib.sha256(json.dumps(sources, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def deploy_all(bpmn_dir: Path | None = None, forms_dir: Path | None = None) -> list[DeployResult]:
    """Checks every process first; records new versions only if ALL of them are valid (nothing half-deployed)."""
    from app.forms.definitions import check_definition

    bpmn_dir = bpmn_dir or Path(current_app.config["BPMN_DIR"])
    forms_dir = forms_dir or Path(current_app.config["FORMS_DIR"])
    all_sources = _collect_sources(bpmn_dir, forms_dir)
    checked = []
    for process_id, sources in all_sources.items():
        content_hash = _content_hash(sources)
        for form_id, definition in sources["forms"].items():
            check_definition(form_id, definition)
        engine.build_bundle(process_id, sources["bpmn"], sources["dmn"], cache_key=content_hash)
        checked.append((process_id, sources, content_hash))
    results = []
    for process_id, sources, content_hash in checked:
        latest = latest_version(process_id, required=False)
        if latest is not None and latest.content_hash == content_hash:
            results.append(DeployResult(process_id, latest.version_number, content_hash, False))
            continue
        bundle = engine.build_bundle(process_id, sources["bpmn"], sources["dmn"], cache_key=content_hash)
        number = (latest.version_number + 1) if latest else 1
        db.session.add(
            ProcessVersion(
                process_id=process_id,
                name=bundle.name,
                content_hash=content_hash,
                version_number=number,
                sources=sources,
            )
        )
        results.append(DeployResult(process_id, number, content_hash, True))
    db.session.flush()
    return results


def deploy_if_schema_ready() -> None:
    """Start-up deploy: skipped before the first migration; a bad file is logged and the old versions keep running."""
    if not inspect(db.engine).has_table("process_versions"):
        return
    try:
        for result in deploy_all():
            if result.created:
                log.info("deployed %s v%s (%s)", result.process_id, result.version_number, result.content_hash[:12])
        db.session.commit()
    except ProcessDefinitionError as exc:
        db.session.rollback()
        log.error("process definitions NOT deployed: %s", exc)


_LATEST_VERSION_ID = (  # built once: every opened case asks
    select(ProcessVersion.id)
    .where(ProcessVersion.process_id == bindparam("process_id"))
    .order_by(ProcessVersion.version_number.desc())
    .limit(1)
)


def latest_version_info(process_id: str) -> VersionInfo:
    version_id = db.session.scalar(_LATEST_VERSION_ID, {"process_id": process_id})
    if version_id is None:
        raise NotFound(f"process {process_id!r} is not deployed")
    return version_info(version_id)


def latest_version(process_id: str, *, required: bool = True) -> ProcessVersion | None:
    version = db.session.scalar(
        select(ProcessVersion)
        .where(ProcessVersion.process_id == process_id)
        .order_by(ProcessVersion.version_number.desc())
    )
    if version is None and required:
        raise NotFound(f"process {process_id!r} is not deployed")
    return version


@dataclass(frozen=True)
class VersionInfo:
    """What a running case needs from its process version: immutable once deployed, so cached per process."""

    id: int
    process_id: str
    name: str
    version_number: int
    content_hash: str
    sources: dict


_versions: dict[tuple[str, int], VersionInfo] = {}


def version_info(version_id: int) -> VersionInfo:
    """Cached per database and id (a process may talk to several databases: tests, benchmarks)."""
    key = (str(db.engine.url), version_id)
    info = _versions.get(key)
    if info is None:
        row = db.session.get(ProcessVersion, version_id)
        if row is None:
            raise NotFound(f"process version {version_id} does not exist")
        info = VersionInfo(row.id, row.process_id, row.name, row.version_number, row.content_hash, row.sources)
        _versions[key] = info
    return info


def bundle_for(version: ProcessVersion | VersionInfo) -> engine.ProcessBundle:
    return engine.build_bundle(
        version.process_id, version.sources["bpmn"], version.sources["dmn"], cache_key=version.content_hash
    )


def form_for(version: ProcessVersion | VersionInfo, form_id: str) -> dict:
    """The form as it was when the case's process version was deployed (forms are pinned per version)."""
    try:
        return version.sources["forms"][form_id]
    except KeyError as exc:
        raise NotFound(f"form {form_id!r} is not part of {version.process_id} v{version.version_number}") from exc


def start_form_id(version: ProcessVersion | VersionInfo) -> str:
    bundle = bundle_for(version)
    for meta in bundle.tasks.values():
        if meta.kind == "startEvent" and meta.properties.get("form"):
            return meta.properties["form"]
    raise ProcessDefinitionError(next(iter(version.sources["bpmn"])), version.process_id, "start event names no form")


def bpmn_xml(version: ProcessVersion | VersionInfo) -> str:
    return next(iter(version.sources["bpmn"].values()))
