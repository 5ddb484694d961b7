"""The forms the 办法 names, produced as .docx from an application, in our own wording.

《市场主体应急周转资金使用申请表》 (第十五条), 《市场主体应急周转资金协议书》 (三方协议书,
第十六条) and the loan contract (借款合同). Each states what the articles require of it.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.document import Document as DocumentObject

from chengqu.fund import EntityKind, Stage, document_checklist, fund_rules, quote_fee, use_deadline
from portal.core.exports import clean_text
from portal.fund.models import Application


def _money(value: object) -> str:
    return f"{value:,.2f} 元" if value is not None else "________ 元"


def _day(value: object) -> str:
    return value.isoformat() if value is not None else "____年__月__日"  # type: ignore[attr-defined]


def _save(doc: DocumentObject) -> bytes:
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _table(doc: DocumentObject, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = clean_text(value)  # stored text: no character python-docx refuses


def _basis(doc: DocumentObject, clauses: str) -> None:
    rules = fund_rules()
    doc.add_paragraph(f"依据: 《{rules.title}》({rules.document} 附件) {clauses}。")


def application_form(app: Application) -> tuple[str, bytes]:
    """《市场主体应急周转资金使用申请表》: the enterprise's request and the bank's signed opinion."""
    title = "市场主体应急周转资金使用申请表"
    doc = Document()
    doc.add_heading(title, level=1)
    doc.add_paragraph(clean_text(f"编号: {app.number}"))
    _table(
        doc,
        [
            ("市场主体名称", app.enterprise.name),
            ("主体类型", app.get_entity_kind_display()),
            ("所属行业", app.industry or ""),
            ("联系人及电话", app.contact or ""),
            ("贷款银行", app.bank.name),
            ("到期贷款合同编号", app.loan_contract_no or ""),
            ("到期业务类型", app.get_loan_kind_display()),
            ("到期贷款应还金额", _money(app.maturing_amount)),
            ("贷款到期日", _day(app.maturity)),
            ("申请使用应急周转资金金额", _money(app.requested)),
            ("用途", app.purpose or "归还到期流动资金贷款"),
        ],
    )
    doc.add_heading("市场主体承诺", level=2)
    doc.add_paragraph(
        "本单位确认生产经营正常, 在城区依法纳税, 确有转贷续贷困难; 所借应急周转资金仅用于归还上述到期贷款, "
        "不改变用途; 按约定期限归还本金并按日0.2‰支付资金占用费, 除占用费外不支付其他任何费用。"
    )
    doc.add_paragraph(
        "市场主体(盖章):                 法定代表人或经营者(签字):              日期:"
    )
    doc.add_heading("合作银行意见", level=2)
    doc.add_paragraph(clean_text(app.bank_opinion or ""))
    doc.add_paragraph(
        f"同意续贷金额: {_money(app.renewal_amount)}(还贷后发放不低于还款额的新贷款)。"
        f"签署日期: {_day(app.signed_on)}(须不晚于贷款到期前第10个工作日)。"
    )
    doc.add_paragraph("合作银行(盖章):                 负责人(签字):")
    doc.add_heading("随表资料(第十五条)", level=2)
    for item in document_checklist(Stage.APPLICATION, EntityKind(app.entity_kind)):
        mark = "☑" if item.key in app.application_documents else "☐"
        doc.add_paragraph(f"{mark} {item.label}")
    doc.add_heading("承办主体审核意见", level=2)
    doc.add_paragraph(
        f"核定使用金额: {_money(app.approved_amount)}    约定还款日期: {_day(app.planned_repayment)}"
    )
    doc.add_paragraph("承办主体(盖章):                 经办人:                 日期:")
    _basis(doc, "第十三条、第十五条、第十六条")
    return title, _save(doc)


def agreement(app: Application) -> tuple[str, bytes]:
    """《市场主体应急周转资金协议书》 (三方协议书): operator, bank and enterprise."""
    title = "市场主体应急周转资金协议书"
    rules = fund_rules()
    doc = Document()
    doc.add_heading(f"{title}(三方协议书)", level=1)
    doc.add_paragraph(clean_text(f"编号: {app.number}"))
    doc.add_paragraph("甲方(承办主体): 应急周转资金承办主体")
    doc.add_paragraph(clean_text(f"乙方(合作银行): {app.bank.name}"))
    doc.add_paragraph(clean_text(f"丙方(市场主体): {app.enterprise.name}"))
    amount = app.approved_amount or app.requested
    deadline = use_deadline(app.disbursed_on).value if app.disbursed_on else None
    clauses = [
        (
            f"一、甲方向丙方提供应急周转资金 {_money(amount)}, 专项用于归还丙方在乙方的到期流动资金贷款"
            f"(合同编号 {app.loan_contract_no or '________'}, 到期日 {_day(app.maturity)}), 不得改变用途。"
        ),
        f"二、使用期限原则上不超过{rules.max_use_days}日, 约定还款日期为 {_day(app.planned_repayment)}"
        + (f", 最迟不晚于 {deadline.isoformat()}" if deadline else "")
        + "。",
        (
            f"三、资金占用费按日{rules.daily_rate_as_written}计收, 天数自放款日起算至还款日(算头不算尾); "
            "除占用费外, 不收取其他任何费用。"
        ),
        (
            f"四、乙方同意在收到应急周转资金后{rules.renewal_target_days}日内办理完成转贷手续并发放不低于还款额的新贷款, "
            f"最长不超过{rules.renewal_max_days}日; 乙方负责或监督丙方将续贷资金足额划转至甲方指定账户, 归还应急周转资金。"
        ),
        (
            "五、对同意续贷且丙方符合续贷条件的, 乙方承担按期足额续贷责任; 因乙方未按时足额续贷导致应急周转资金"
            "不能及时归还的, 由乙方承担归还、补足的清偿责任。"
        ),
        "六、丙方改变资金用途的, 甲方、乙方有权提前收回资金, 丙方列入不得申报使用应急周转资金的名单。",
        "七、本协议一式三份, 三方各执一份, 自三方签字盖章之日起生效。",
    ]
    for text in clauses:
        doc.add_paragraph(clean_text(text))
    doc.add_paragraph(f"签订日期: {_day(app.contract_signed_on)}")
    doc.add_paragraph("甲方(盖章):            乙方(盖章):            丙方(盖章):")
    _basis(doc, "第十条、第十六条、第十七条、第十八条、第二十三条、第二十四条")
    return title, _save(doc)


def loan_contract(app: Application) -> tuple[str, bytes]:
    """The bridge-loan contract between the operator and the enterprise."""
    title = "应急周转资金借款合同"
    rules = fund_rules()
    doc = Document()
    doc.add_heading(title, level=1)
    doc.add_paragraph(clean_text(f"编号: {app.number}"))
    doc.add_paragraph("出借人: 应急周转资金承办主体")
    doc.add_paragraph(clean_text(f"借款人: {app.enterprise.name}"))
    amount = app.approved_amount or app.requested
    _table(
        doc,
        [
            ("借款金额", _money(amount)),
            ("借款用途", "归还在" + app.bank.name + "的到期流动资金贷款"),
            ("放款日期", _day(app.disbursed_on)),
            ("约定还款日期", _day(app.planned_repayment)),
            ("使用期限", f"原则上不超过{rules.max_use_days}日"),
            ("资金占用费", f"日{rules.daily_rate_as_written}, 算头不算尾"),
        ],
    )
    if app.disbursed_on and app.planned_repayment and app.planned_repayment >= app.disbursed_on:
        quote = quote_fee(
            principal=amount, disbursed=app.disbursed_on, repaid=app.planned_repayment
        )
        doc.add_paragraph(
            f"按约定还款日期计, 资金占用费为 {_money(quote.fee)}({quote.days} 日), 应还合计 {_money(quote.total_due)}。"
        )
    doc.add_paragraph(
        "借款人保证按约定用途使用资金, 按期归还本金并支付占用费; 改变用途的, 出借人有权提前收回。"
        "除占用费外, 出借人不收取其他任何费用。"
    )
    doc.add_paragraph("出借人(盖章):                 借款人(盖章):                 日期:")
    _basis(doc, "第十条、第十八条、第二十三条")
    return title, _save(doc)
