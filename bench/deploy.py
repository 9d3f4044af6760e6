"""Deploy only the residence-permit process for a benchmark run.

`specs.deploy_all()` refuses everything when any file in bpmn/ or forms/ is broken — right for production, but a
benchmark measures the permit process only and should not fail because another process is half-written in the
same checkout. The permit's files (its BPMN, the DMN tables, the forms) are copied to a temporary directory and
deployed from there, through the same deploy code.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from app.processes import specs

ROOT = Path(__file__).resolve().parent.parent


def deploy_permit_process() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bpmn_dir, forms_dir = Path(tmp, "bpmn"), Path(tmp, "forms")
        bpmn_dir.mkdir()
        forms_dir.mkdir()
        shutil.copy(ROOT / "bpmn" / "residence_permit.bpmn", bpmn_dir)
        for dmn in (ROOT / "bpmn").glob("rp_*.dmn"):
            shutil.copy(dmn, bpmn_dir)
        for form in (ROOT / "forms").glob("rp_*.json"):
            shutil.copy(form, forms_dir)
        specs.deploy_all(bpmn_dir, forms_dir)
