"""`chengqu gazette parse|ingest|search|show|trace`: the registry from the command line."""

from __future__ import annotations

from pathlib import Path

import click

from chengqu.common import DomainError
from chengqu.gazette import Status


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DomainError("gazette.unreadable", f"无法读取文件 {path}: {exc.strerror}") from exc


@click.group()
def gazette() -> None:
    """政府公报: 解析、导入、检索、查看。"""


@gazette.command("parse")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def parse(file: Path, as_json: bool) -> None:
    """解析公报文本 (不写入数据库)。"""
    from chengqu.gazette import parse_issue, to_json
    from portal.core.clitools import emit

    result = parse_issue(_read(file))
    data = to_json(result)
    lines = [
        f"{result.issue.title or '公报'} {result.issue.year or ''}年第{result.issue.number or '?'}期: {len(result.documents)} 份文件"
    ]
    lines += [
        f"  {d['number'] or '(无文号)'}  {d['title']}  条款 {d['clauses']}"
        for d in data["documents"]
    ]
    if result.unparsed:
        lines.append(f"未能归位的文字 {len(result.unparsed)} 段")
    emit(as_json, data, "\n".join(lines))


@gazette.command("ingest")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def ingest(file: Path, as_json: bool) -> None:
    """导入一期公报: 相同文本不重复导入, 修改过的文本成为新版本。"""
    from portal.core.clitools import emit, setup_django

    data = _read(file)
    setup_django()
    from portal.gazette.services import issue_ingest

    result = issue_ingest(data=data, source_name=file.name)
    text = (
        f"已导入 {result.issue} 第{result.version.version}版: {result.documents} 份文件, {result.clauses} 个条款。"
        if result.created
        else f"{result.issue} 第{result.version.version}版已是同一文本, 未作任何改动。"
    )
    emit(
        as_json,
        {
            "issue": result.issue.key,
            "version": result.version.version,
            "created": result.created,
            "documents": result.documents,
            "clauses": result.clauses,
            "stubs": list(result.stubs),
        },
        text,
    )


@gazette.command("search")
@click.argument("query")
@click.option("--category", help="栏目")
@click.option("--year", type=int, help="年份")
@click.option("--issuer", help="发文机关")
@click.option("--status", type=click.Choice([s.value for s in Status]), help="时效性")
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def search(
    query: str,
    category: str | None,
    year: int | None,
    issuer: str | None,
    status: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """全文检索标题、文号与条款。"""
    from django.utils.html import strip_tags

    from portal.core.clitools import emit, setup_django

    if not query.strip():
        raise DomainError("gazette.empty_query", "检索词不能为空")
    setup_django()
    from portal.gazette.search import SearchFilters, gazette_search

    filters = SearchFilters(
        category=category, year=year, issuer=issuer, status=Status(status) if status else None
    )
    hits = gazette_search(query=query, filters=filters, limit=limit)
    rows = [
        {
            "number": h.number,
            "title": h.title,
            "clause": h.clause_eid,
            "clause_label": h.clause_label,
            "status": h.status.value,
            "url": h.url,
            "snippet": strip_tags(h.snippet_html),
        }
        for h in hits
    ]
    text = (
        "\n".join(
            f"{r['number'] or '(无文号)'} {r['clause_label']}  {r['url']}\n    {r['snippet']}"
            for r in rows
        )
        or "没有找到匹配的文件或条款。"
    )
    emit(as_json, {"query": query, "hits": rows}, text)


@gazette.command("show")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def show(number: str, as_json: bool) -> None:
    """显示一份文件的要素、今日时效性和条款目录。"""
    from portal.core.clitools import emit, setup_django

    setup_django()
    from portal.gazette import selectors
    from portal.gazette.links import document_url

    document = selectors.document_get(number)
    version = document.current
    if version is None:
        emit(
            as_json,
            {"number": document.number, "title": document.title, "stub": True},
            f"{document.key}: 未收录, 仅被其他文件引用或废止。",
        )
        return
    status = selectors.status_of(version)
    clauses = list(version.clauses.order_by("order").values_list("eid", "num", "heading", "depth"))
    data = {
        "number": version.number,
        "title": version.title,
        "issuer": version.issuer,
        "category": version.category,
        "signed_date": version.signed_date,
        "effective_date": version.effective_date,
        "expiry_date": version.expiry_date,
        "public": version.public,
        "status": status.value,
        "url": document_url(document.key),
        "clauses": [{"eid": e, "num": n, "heading": h} for e, n, h, _ in clauses],
    }
    lines = [
        f"{version.title}",
        f"  文号: {version.number or '(无文号)'}  发文机关: {version.issuer or '未标注'}",
        (
            f"  成文日期: {version.signed_date or '未标注'}  施行: {version.effective_date or '未载明'}  "
            f"有效期至: {version.expiry_date or '未载明'}  时效性: {status.value}  公开: {version.public}"
        ),
        f"  链接: {data['url']}",
    ]
    lines += [f"  {'  ' * d}{e}  {n} {h}".rstrip() for e, n, h, d in clauses]
    emit(as_json, data, "\n".join(lines))


STATUS_LABELS = {"executed": "已执行", "part": "部分执行", "gap": "未执行", "descriptive": "说明性"}


@gazette.command("trace")
@click.option("--doc", "number", help="只看一份文件 (文号)")
@click.option(
    "--gaps", "gaps_only", is_flag=True, help="只列出含数字、时限或条件却无规则执行的条款"
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")
def trace(number: str | None, gaps_only: bool, as_json: bool) -> None:
    """条款追溯: 随附公报的每一条款由哪条规则执行 (取自规则表中的条款引用)。"""
    from portal.core.clitools import emit, setup_django

    setup_django()
    from portal.gazette.selectors import bundled_trace

    result = bundled_trace()
    docs = result.documents
    if number:
        found = result.document(number)
        if found is None:
            raise DomainError("gazette.trace_unknown", f"随附公报中没有文件 {number}")
        docs = [found]
    data = result.to_json()
    data["documents"] = [d.to_json() for d in docs]
    data["gaps"] = [g for g in data["gaps"] if any(g["number"] == d.number for d in docs)]
    lines: list[str] = []
    for doc in docs:
        counts = "  ".join(f"{STATUS_LABELS[s]} {doc.count(s)}" for s in STATUS_LABELS)  # type: ignore[arg-type]
        lines.append(f"{doc.number} {doc.title}\n  {counts}")
        for clause in doc.clauses:
            if gaps_only and clause.status != "gap":
                continue
            by = "; ".join(s.where for s in clause.executed_by[:3])
            more = f" 等 {len(clause.executed_by)} 处" if len(clause.executed_by) > 3 else ""
            head = f" {clause.heading}" if clause.heading else ""
            tail = f"  由 {by}{more} 执行" if by else ""
            lines.append(f"  [{STATUS_LABELS[clause.status]}] {clause.label}{head}{tail}")
        for site, part in doc.unresolved:
            lines.append(f"  [引用无对应条款] {site.where}: {part}")
    lines.append(f"未执行 (含数字、时限或条件): {len(data['gaps'])} 条")
    emit(as_json, data, "\n".join(lines))
