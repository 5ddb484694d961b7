"""Audit actions of the relics census (stored values never change)."""

from __future__ import annotations

from portal.audit.actions import AuditAction


class RelicsAction(AuditAction):
    """What the relics census records in the audit log."""

    CREATE = "relics.create", "新建普查记录"
    UPDATE = "relics.update", "修改普查记录"
    FILE_ADD = "relics.file_add", "上传照片或图纸"
    REEXAMINE = "relics.reexamine", "登记复查结果"
    CASE_OPEN = "relics.case_open", "立案调查损毁"
    CASE_CLOSE = "relics.case_close", "办结损毁案件"
    SURVEY = "relics.survey", "提交专家认定"
    VERIFY = "relics.verify", "认定新发现线索"
    RETURN = "relics.return", "退回补充调查"
    REGISTER = "relics.register", "登记文物"
    PUBLISH = "relics.publish", "公布文物"
    UNPUBLISH = "relics.unpublish", "撤回公布"
    ISSUE_ACCEPT = "relics.issue_accept", "确认质量问题"
    IMPORT = "relics.import", "导入文物名录"
    EXPORT_REGISTER = "relics.export.register", "导出文物名录"
    EXPORT_FORMS = "relics.export.forms", "导出普查登记表"
