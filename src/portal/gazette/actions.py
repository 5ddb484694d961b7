"""Audit actions of the gazette registry (stored values never change)."""

from __future__ import annotations

from portal.audit.actions import AuditAction


class GazetteAction(AuditAction):
    """What the gazette registry records in the audit log."""

    ISSUE_INGEST = "gazette.issue_ingest", "收录政府公报"
