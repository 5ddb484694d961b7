"""The admin shows the loaded roster and incidents read-only."""

from __future__ import annotations


def test_the_admin_lists_hqs_and_refuses_to_add_incidents(roster, admin_client):
    assert admin_client.get("/admin/command/headquarters/").status_code == 200
    assert admin_client.get("/admin/command/incident/add/").status_code == 403
    assert admin_client.get("/admin/command/dutyshift/add/").status_code == 200
