"""The platform's modules and the gazette documents each one executes.

The home page and the navigation are drawn from this list. A module whose app is installed
names its URL; one still being built says so honestly.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Module:
    key: str
    label: str
    summary: str
    documents: tuple[str, ...]
    url_name: str | None = None  # set once the module's pages exist


MODULES: tuple[Module, ...] = (
    Module(
        key="gazette",
        label="政府公报",
        summary="公报目录、文件与条款、效力状态、引用与废止关系、全文检索",
        documents=("晋城市城区人民政府公报 2024年第1期",),
        url_name="gazette:index",
    ),
    Module(
        key="air",
        label="重污染天气",
        summary="AQI 计算、预警研判、应急响应措施、审批发布、减排清单",
        documents=("城政办发〔2024〕1号",),
        url_name="air:index",
    ),
    Module(
        key="command",
        label="应急指挥",
        summary="总指挥部与17个专项指挥部、事件接报与时限、响应分级、值班",
        documents=(
            "城政办发〔2024〕8号",
            "城政办发〔2024〕2号",
            "城政办发〔2024〕7号",
            "城政发〔2024〕5号",
        ),
        url_name="command:index",
    ),
    Module(
        key="fund",
        label="应急周转资金",
        summary="申请、银行确认、放款、续贷、还款、费用、风险准备金与台账",
        documents=("城政办发〔2024〕6号",),
        url_name="fund:index",
    ),
    Module(
        key="incentives",
        label="惠企政策",
        summary="开门红十六条测算、免申即享名单、耕地开垦费",
        documents=("城政办发〔2024〕5号", "城政发〔2024〕1号"),
        url_name="incentives:calculator",
    ),
    Module(
        key="supervision",
        label="督查督办",
        summary="政府工作报告任务台账、安全生产任务、消防除患闭环",
        documents=(
            "城政办发〔2024〕9号",
            "城政办发〔2024〕3号",
            "城政办发〔2024〕4号",
            "城政发〔2024〕5号",
        ),
        url_name="supervision:index",
    ),
    Module(
        key="relics",
        label="文物普查",
        summary="不可移动文物名录、复查与新发现登记、质量核查",
        documents=("城政发〔2024〕3号",),
        url_name="relics:index",
    ),
)


def module(key: str) -> Module | None:
    return next((m for m in MODULES if m.key == key), None)
