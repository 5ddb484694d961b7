"""Audit actions of the incentives module (stored values never change)."""

from __future__ import annotations

from portal.audit.actions import AuditAction


class IncentivesAction(AuditAction):
    """What the incentives module records in the audit log."""

    BATCH_RUN = "incentives.batch.run", "免申即享批量测算"
    BATCH_PUBLISH = "incentives.batch.publish", "公布免申即享名单"
    CLAIMS_WINDOW_SET = "incentives.claims_window.set", "修改申报截止日"
    CLAIM_SUBMIT = "incentives.claim.submit", "企业申报"
    CLAIM_FROM_BATCH = "incentives.claim.from_batch", "免申即享生成兑现申报"
    CLAIM_DOCUMENT_ADD = "incentives.claim.document_add", "补充申报材料"
    CLAIM_REVIEW = "incentives.claim.review", "牵头单位审核通过"
    CLAIM_REVIEW_REJECT = "incentives.claim.review_reject", "牵头单位审核退回"
    CLAIM_APPROVE = "incentives.claim.approve", "区政府审批通过"
    CLAIM_APPROVE_REJECT = "incentives.claim.approve_reject", "区政府不予批准"
    CLAIM_PAY = "incentives.claim.pay", "登记兑现"
