"""Ingesting issues: idempotent by text, new versions never overwrite, stubs, status today."""

from __future__ import annotations

from datetime import date

import pytest

from chengqu.common import DomainError
from chengqu.gazette import Status
from portal.audit.models import AuditEntry
from portal.audit.selectors import audit_chain_verify
from portal.gazette import selectors
from portal.gazette.loading import load_gazette
from portal.gazette.models import (
    Clause,
    Document,
    DocumentVersion,
    Issue,
    IssueVersion,
    Relation,
    SearchEntry,
)
from portal.gazette.services import issue_ingest

FUND = "城政办发〔2024〕6号"
COMMAND = "城政办发〔2024〕8号"
FARMLAND = "城政发〔2024〕1号"
SANITATION = "城政办发〔2024〕4号"
KAIMENHONG = "城政办发〔2024〕5号"

pytestmark = pytest.mark.django_db


def test_the_bundled_issue_becomes_thirteen_documents_with_their_clauses(ingested):
    assert ingested.created
    assert str(ingested.issue) == "晋城市城区人民政府公报 2024年第1期"
    assert Document.objects.filter(stub=False).count() == 13
    fund = Document.objects.get(key=FUND)
    assert fund.current is not None
    assert fund.current.category == "行政规范性文件"
    art10 = Clause.objects.get(version=fund.current, eid="chp_2__art_10")
    assert art10.num == "第十条"
    assert "日息按0.2‰计算" in art10.text
    assert art10.parent is not None
    assert art10.parent.eid == "chp_2"
    assert art10.attachment is not None  # the 办法 is the notice's attachment


def test_documents_only_named_by_others_are_kept_as_stubs_with_their_relation(ingested):
    stub = Document.objects.get(key="城政发〔2020〕15号")
    assert stub.stub
    assert stub.current is None
    assert "耕地开垦费" in stub.title
    relation = Relation.objects.get(target=stub)
    assert relation.kind == Relation.Kind.REPEALS
    assert relation.source.document.key == FARMLAND
    assert "城政发〔2020〕15号" in ingested.stubs
    assert FUND not in ingested.stubs


def test_one_ingest_writes_one_audit_entry_with_a_summary(ingested):
    entries = AuditEntry.objects.filter(action="gazette.issue_ingest")
    assert entries.count() == 1
    summary = entries.get().after
    assert len(summary["documents"]) == 13
    assert summary["clauses"] == Clause.objects.count()
    assert audit_chain_verify().ok


def test_ingesting_the_same_text_again_changes_nothing(ingested, issue_text):
    counts = (
        IssueVersion.objects.count(),
        Clause.objects.count(),
        SearchEntry.objects.count(),
        AuditEntry.objects.count(),
    )
    again = issue_ingest(data=issue_text)
    assert not again.created
    assert again.version.pk == ingested.version.pk
    assert (
        IssueVersion.objects.count(),
        Clause.objects.count(),
        SearchEntry.objects.count(),
        AuditEntry.objects.count(),
    ) == counts


def test_a_changed_text_becomes_a_new_version_and_the_old_one_stays(ingested, issue_text):
    changed = issue_text.replace("日息按0.2‰计算", "日息按0.3‰计算")
    second = issue_ingest(data=changed, source_name="corrected.txt")
    assert second.created
    assert second.issue.pk == ingested.issue.pk
    assert second.version.version == 2
    fund = Document.objects.get(key=FUND)
    assert fund.current is not None
    assert fund.current.issue_version == second.version
    assert "0.3‰" in Clause.objects.get(version=fund.current, eid="chp_2__art_10").text
    old = DocumentVersion.objects.get(document=fund, issue_version=ingested.version)
    assert "0.2‰" in Clause.objects.get(version=old, eid="chp_2__art_10").text
    # Search reads the current version only.
    assert SearchEntry.objects.filter(document=fund).exclude(version=fund.current).count() == 0
    assert Issue.objects.count() == 1
    assert AuditEntry.objects.filter(action="gazette.issue_ingest").count() == 2


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "gazette.empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(300), "gazette.binary"),
        (b"\x81\x20abc \xff\xfe\xfd" * 30, "gazette.undecodable"),
        ("这是一段普通的文字, 不是公文。\n今天天气很好。".encode(), "gazette.not_a_document"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(db, data, code):
    with pytest.raises(DomainError) as caught:
        issue_ingest(data=data)
    assert caught.value.code == code
    assert Issue.objects.count() == 0
    assert Document.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_status_is_computed_for_the_day_asked(ingested):
    farmland = Document.objects.get(key=FARMLAND).current
    assert farmland is not None
    assert selectors.status_of(farmland, date(2024, 2, 29)) == Status.NOT_YET
    assert selectors.status_of(farmland, date(2024, 3, 1)) == Status.IN_FORCE
    assert selectors.status_of(farmland, date(2029, 3, 1)) == Status.EXPIRED
    kaimenhong = Document.objects.get(key=KAIMENHONG).current
    assert kaimenhong is not None
    assert selectors.status_of(kaimenhong, date(2024, 6, 30)) == Status.IN_FORCE
    assert selectors.status_of(kaimenhong, date(2024, 7, 1)) == Status.EXPIRED


def test_a_document_repealed_by_a_stored_document_is_repealed_from_the_repealers_effective_day(
    ingested, issue_text
):
    # A corrected text in which the command-system notice (in force 2024-03-08) repeals the sanitation plan.
    changed = issue_text.replace("(城政办发〔2019〕40号)同时废止", f"({SANITATION})同时废止")
    issue_ingest(data=changed)
    sanitation = Document.objects.get(key=SANITATION)
    assert sanitation.current is not None
    assert selectors.status_of(sanitation.current, date(2024, 3, 7)) == Status.IN_FORCE
    assert selectors.status_of(sanitation.current, date(2024, 3, 8)) == Status.REPEALED
    relations = selectors.document_relations(sanitation)
    assert [r.key for r in relations["repealed_by"]] == [COMMAND]


def test_loading_the_bundled_gazette_twice_changes_nothing_the_second_time(db):
    assert load_gazette() == 1
    assert load_gazette() == 0
    assert IssueVersion.objects.count() == 1
