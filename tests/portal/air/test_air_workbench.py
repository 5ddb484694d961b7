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
    WarningEpisode.objects.create(status=WarningEpisode.Status.ACTIVE, level="orange", episode="pm25",
                                  created_at=now, started_at=now)
    page = client.get(reverse("home")).content.decode()
    assert "橙色预警生效中" in page
    assert "tone-orange" in page


@pytest.mark.django_db
def test_a_released_warning_is_not_shown(client):
    now = timezone.now()
    WarningEpisode.objects.create(status=WarningEpisode.Status.RELEASED, level="none", episode="pm25",
                                  created_at=now, started_at=now, released_at=now, is_open=False)
    assert "生效中" not in client.get(reverse("home")).content.decode()
