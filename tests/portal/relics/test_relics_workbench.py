"""The census workbench tile: a surveyed new find waits for the expert, not for census teams."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from chengqu.common import clock
from portal.core.workbench import workbench
from portal.relics.services import lead_submit, relic_create, relic_file_add


def _tiles(user) -> dict[str, int | None]:
    return {t.label: t.count for t in workbench(user, clock.today()) if t.module == "relics"}


def test_a_surveyed_find_waits_on_the_experts_workbench(world, census_data):
    lead = relic_create(
        actor=world.team_bsd,
        department=world.bsd,
        data=census_data(name="新发现石桥", category="其他"),
    )
    assert _tiles(world.expert) == {}  # a lead still being surveyed is not the expert's yet
    relic_file_add(
        actor=world.team_bsd,
        relic=lead,
        kind="photo",
        upload=SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20),
    )
    lead_submit(actor=world.team_bsd, relic=lead)
    assert _tiles(world.expert)["待专家认定的新发现"] == 1
    assert _tiles(world.team_xj) == {}
    assert _tiles(world.outsider) == {}
