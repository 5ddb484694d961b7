"""/api/v1/relics/: the phase, the register with the same visibility as the pages, the public register."""

from __future__ import annotations

import pytest

from portal.relics.services import relic_publish

pytestmark = pytest.mark.django_db


def test_the_phase_needs_no_login(client):
    body = client.get("/api/v1/relics/phase", {"on": "2024-04-30"}).json()
    assert body["phase"] == "phase_1"
    assert body["standard_time_point"] == "2024-04-30"


def test_the_register_api_applies_the_same_visibility(client, world, make_relic):
    relic = make_relic(name="府城玉皇庙")
    client.force_login(world.team_xj, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/api/v1/relics/relics").json() == []
    assert client.get(f"/api/v1/relics/relics/{relic.pk}").status_code == 404
    client.force_login(world.team_bsd, backend="django.contrib.auth.backends.ModelBackend")
    assert [r["name"] for r in client.get("/api/v1/relics/relics").json()] == ["府城玉皇庙"]
    client.force_login(world.outsider, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/api/v1/relics/relics").status_code == 403


def test_strangers_get_401_from_the_register_api(client, world):
    assert client.get("/api/v1/relics/relics").status_code == 401


def test_the_public_api_hides_coordinates_of_sensitive_sites(client, world, make_relic):
    tomb = make_relic(name="古墓群", category="古墓葬")
    temple = make_relic(name="青莲寺")
    make_relic(name="未公布")
    relic_publish(actor=world.bureau, relic=tomb)
    relic_publish(actor=world.bureau, relic=temple)
    body = {r["name"]: r for r in client.get("/api/v1/relics/public").json()}
    assert set(body) == {"古墓群", "青莲寺"}
    assert body["古墓群"]["longitude"] is None
    assert "不予公开" in body["古墓群"]["location"]
    assert body["青莲寺"]["longitude"] is not None
