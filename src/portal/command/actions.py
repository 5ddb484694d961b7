"""Audit actions of the command module (stored values never change)."""

from __future__ import annotations

from portal.audit.actions import AuditAction


class CommandAction(AuditAction):
    """What the command module records in the audit log."""

    INCIDENT_REGISTER = "command.incident.register", "登记突发事件"
    INCIDENT_ROUTE = "command.incident.route", "确定牵头指挥部"
    INCIDENT_ANCHOR = "command.incident.anchor", "记录起算时点"
    INCIDENT_LEVEL = "command.incident.level", "确定预警与响应级别"
    INCIDENT_TERMINATE = "command.incident.terminate", "终止应急响应"
    REPORT_SAVE = "command.report.save", "保存报告草稿"
    REPORT_FILE = "command.report.file", "报送报告"
    DUTY_RECORD = "command.duty.record", "记录演练或预案修订"
    SHIFT_SET = "command.shift.set", "安排值班"
    TASK_MARK = "command.task.mark", "标记预案任务"
    SAMPLE_RECORD = "command.sample.record", "记录样品确认"
    COMPENSATION_ADD = "command.compensation.add", "登记补偿"
    ASSESSMENT_SAVE = "command.assessment.save", "保存评估报告草稿"
    ASSESSMENT_FILE = "command.assessment.file", "报送评估报告"
    POST_CREATE = "command.post.create", "载入指挥岗位"
    POST_UPDATE = "command.post.update", "更新指挥岗位"
    HQ_CREATE = "command.hq.create", "载入指挥部"
    HQ_UPDATE = "command.hq.update", "更新指挥部"
    SEAT_CREATE = "command.seat.create", "载入指挥部成员席位"
    SEAT_UPDATE = "command.seat.update", "更新指挥部成员席位"
    SEAT_DELETE = "command.seat.delete", "删除指挥部成员席位"
    ROSTER_LOAD = "command.roster.load", "载入应急指挥体系"
