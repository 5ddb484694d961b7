"""The warning in force is on everyone's home page, signed in or not, in its colour."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from chengqu.common import clock
from portal.air.models import WarningEpisode
from portal.core.workbench import workbench


@pytest.mark.django_db
def test_an_active_warning_is_shown_on_the_home_page_to_everyone(client):
    assert [t for t in workbench(AnonymousUser(), clock.today()) if t.module == "air"] == []
    now = timezone.now()
    WarningEpisode.objects.create(
        status=WarningEpisode.Status.ACTIVE,
        level="orange",
        episode="pm25",
        created_at=now,
        started_at=now,
    )
    page = client.get(reverse("home")).content.decode()
    assert "橙色预警生效中" in page
    assert "tone-orange" in page


@pytest.mark.django_db
def test_a_released_warning_is_not_shown(client):
    now = timezone.now()
    WarningEpisode.objects.create(
        status=WarningEpisode.Status.RELEASED,
        level="none",
        episode="pm25",
        created_at=now,
        started_at=now,
        released_at=now,
        is_open=False,
    )
    assert "生效中" not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_an_enterprise_on_the_list_is_told_to_act_and_another_enterprise_is_not(unit, make_user):
    from decimal import Decimal

    from portal.accounts.roles import Role
    from portal.air.models import ListEnterprise

    listed, other = (
        unit("qy-a", "甲化工有限公司", "enterprise"),
        unit("qy-b", "乙建材有限公司", "enterprise"),
    )
    ListEnterprise.objects.create(
        year=2026,
        name=listed.name,
        credit_code="1" * 18,
        department=listed,
        so2=Decimal(10),
        nox=Decimal(10),
        pm=Decimal(10),
        vocs=Decimal(10),
    )
    listed_user = make_user("qy-a-user", Role.ENTERPRISE, department=listed)
    other_user = make_user("qy-b-user", Role.ENTERPRISE, department=other)
    label = "本企业须执行的应急减排措施"
    assert label not in {
        t.label for t in workbench(listed_user, clock.today())
    }  # no warning in force
    now = timezone.now()
    WarningEpisode.objects.create(
        status=WarningEpisode.Status.ACTIVE,
        level="red",
        episode="pm25",
        created_at=now,
        started_at=now,
    )
    tiles = {t.label: t for t in workbench(listed_user, clock.today())}
    assert tiles[label].url == reverse("air:enterprise")
    assert tiles[label].tone == "red"
    assert label not in {t.label for t in workbench(other_user, clock.today())}
