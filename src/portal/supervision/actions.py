"""Audit actions of the supervision module (stored values never change)."""

from __future__ import annotations

from chengqu.supervision import Action
from portal.audit.actions import AuditAction


class SupervisionAction(AuditAction):
    """What the supervision module records in the audit log."""

    ITEM_IMPORT = "supervision.item.import", "导入督办任务"
    ITEM_REIMPORT = "supervision.item.reimport", "导入更新督办任务"
    ITEM_ACCEPT = "supervision.item.accept", "签收"
    ITEM_PROGRESS = "supervision.item.progress", "报送进展"
    ITEM_SUBMIT = "supervision.item.submit", "报结"
    ITEM_PASS = "supervision.item.pass", "审核通过办结"
    ITEM_RETURN = "supervision.item.return", "退回"
    ITEM_REQUEST_EXTENSION = "supervision.item.request_extension", "申请延期"
    ITEM_APPROVE_EXTENSION = "supervision.item.approve_extension", "批准延期"
    ITEM_REJECT_EXTENSION = "supervision.item.reject_extension", "不批准延期"
    ITEM_ESCALATE = "supervision.item.escalate", "升级督办"
    ITEM_AUTO_ESCALATE = "supervision.item.auto_escalate", "自动升级督办"
    ITEM_CHILDREN_CLOSED = "supervision.item.children_closed", "分项全部销案"
    ITEM_SPLIT = "supervision.item.split", "分解任务"
    VENUE_REGISTER = "supervision.venue.register", "登记排查场所"
    SELF_INSPECTION_RECORD = "supervision.self_inspection.record", "登记场所自查记录"
    HAZARD_REPORT = "supervision.hazard.report", "登记火灾隐患"
    HAZARD_SPLIT = "supervision.hazard.split", "拆分分项隐患"
    EXPOSURE_RECORD = "supervision.exposure.record", "登记曝光"
    BULLETIN_PUBLISH = "supervision.bulletin.publish", "发布督查通报"
    OBLIGATION_RECORD = "supervision.obligation.record", "登记周期性工作"


# The audit entry of each step of the loop (stored as ``supervision.item.<step>``).
LOOP_STEP_ACTIONS: dict[Action, SupervisionAction] = {
    Action.ACCEPT: SupervisionAction.ITEM_ACCEPT,
    Action.PROGRESS: SupervisionAction.ITEM_PROGRESS,
    Action.SUBMIT: SupervisionAction.ITEM_SUBMIT,
    Action.PASS: SupervisionAction.ITEM_PASS,
    Action.RETURN: SupervisionAction.ITEM_RETURN,
    Action.REQUEST_EXTENSION: SupervisionAction.ITEM_REQUEST_EXTENSION,
    Action.APPROVE_EXTENSION: SupervisionAction.ITEM_APPROVE_EXTENSION,
    Action.REJECT_EXTENSION: SupervisionAction.ITEM_REJECT_EXTENSION,
    Action.ESCALATE: SupervisionAction.ITEM_ESCALATE,
}
