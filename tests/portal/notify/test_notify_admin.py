"""The admin shows notices with their addressees and the delivery log, and edits none of them."""

from __future__ import annotations

from portal.notify.services import notify


def test_the_admin_shows_notices_read_only(office, admin_client):
    notice = notify(title="管理后台可见", users=[office])
    assert notice is not None
    listing = admin_client.get("/admin/notify/notification/")
    assert listing.status_code == 200
    assert "管理后台可见" in listing.content.decode()
    detail = admin_client.get(f"/admin/notify/notification/{notice.pk}/change/")
    assert detail.status_code == 200
    assert "duty" in detail.content.decode()  # the addressee, shown inline
    assert admin_client.get("/admin/notify/notification/add/").status_code == 403
    assert admin_client.get("/admin/notify/delivery/").status_code == 200
    assert admin_client.get("/admin/notify/subscription/add/").status_code == 403
