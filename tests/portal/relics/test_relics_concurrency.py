"""Two people acting on one record at once on PostgreSQL: the stage moves once, the audit says so once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from chengqu.common import DomainError
from portal.audit.models import AuditEntry
from portal.relics.models import Relic
from portal.relics.services import relic_publish


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_publishing_the_same_relic_twice_at_once_publishes_it_once(world, make_relic):
    assert connection.vendor == "postgresql"
    relic = make_relic()
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            barrier.wait()
            relic_publish(actor=world.bureau, relic=Relic.objects.get(pk=relic.pk))
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1
    assert sorted(outcomes) == ["ok", "relics.stage", "relics.stage", "relics.stage"]
    assert AuditEntry.objects.filter(action="relics.publish").count() == 1
