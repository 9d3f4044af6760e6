"""The catalogue keeps SERVICE_PACKAGES' order whoever imports a service package first: this test package imports
app.legal_aid at collection, before create_app imports app.permits (the statistics page, menus and lists would
otherwise make legal aid the main service)."""

from __future__ import annotations

from app.cases import services


def test_services_follow_the_package_order_not_the_import_order(app):
    assert services._PACKAGE_OF["legal_aid"] == "app.legal_aid"
    ids = [s.process_id for s in services.all_services()]
    assert ids[0] == "residence_permit"
    assert ids.index("residence_permit") < ids.index("legal_aid") < ids.index("wage_arrears")
