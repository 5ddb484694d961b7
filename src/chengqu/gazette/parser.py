"""Parse a gazette issue (or gov.cn-style documents) from its converted text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from chengqu.common.errors import DomainError
from chengqu.gazette.clauses import build_clauses
from chengqu.gazette.model import (
    Attachment,
    Clause,
    DocRef,
    Document,
    Issue,
    ParseResult,
    ParseWarning,
    Public,
    Span,
    TocEntry,
    Unparsed,
)
from chengqu.gazette.numbers import (
    DATE_PATTERN,
    add_months,
    add_years,
    cn_to_int,
    find_doc_numbers,
    normalise_doc_number,
    parse_doc_number,
    read_date,
)
from chengqu.gazette.text import (
    NOTE_RE,
    Para,
    Unit,
    clean_line,
    compact,
    decode,
    ends_terminal,
    heading_match,
    is_date_line,
    is_label,
    is_name_title,
    is_rule,
    is_table_row,
    join_units,
    repair_table,
    tidy_heading,
)

# gov.cn 政策文件库 header labels, flk/信息公开目录 labels, and the crawl's url line.
META_LABELS = (
    "索引号",
    "主题分类",
    "发文机关",
    "成文日期",
    "标题",
    "发文字号",
    "发布日期",
    "公开属性",
    "时效性",
    "有效性",
    "施行日期",
    "公布日期",
    "发布机构",
    "文号",
    "主题词",
    "url",
    "URL",
    "来源",
)
_META_RE = re.compile(rf"^({'|'.join(META_LABELS)})\s*[:：]\s*(.*)$")

# 文种 by title ending (longest first); "(试行)" and similar are removed before matching.
DOC_TYPES = (
    ("实施意见", "意见"),
    ("指导意见", "意见"),
    ("意见", "意见"),
    ("通知", "通知"),
    ("批复", "批复"),
    ("决定", "决定"),
    ("决议", "决议"),
    ("命令", "命令"),
    ("公报", "公报"),
    ("公告", "公告"),
    ("通告", "通告"),
    ("通报", "通报"),
    ("报告", "报告"),
    ("请示", "请示"),
    ("议案", "议案"),
    ("纪要", "纪要"),
    ("函", "函"),
    ("实施细则", "细则"),
    ("细则", "细则"),
    ("办法", "办法"),
    ("预案", "预案"),
    ("方案", "方案"),
    ("规定", "规定"),
    ("条例", "条例"),
    ("规则", "规则"),
    ("措施", "措施"),
    ("规划", "规划"),
    ("计划", "计划"),
    ("要点", "要点"),
    ("令", "令"),
)
_TITLE_TAIL = re.compile(r"[(（](?:试行|暂行|修订|修订稿|征求意见稿)[)）]$")
_TOC_ENTRY = re.compile(
    r"^[(（]\s*(?P<num>[^()（）]*[〔\[(（［﹝【][^()（）]*号)\s*[)）]\s*[(（]\s*(?P<page>\d{1,4})\s*[)）]$"
)
_TOC_LEADER = re.compile(r"^(?P<title>.+?)\s*[.…·—]{2,}\s*(?P<page>\d{1,4})$")
_SECTION = re.compile(r"^【\s*(.+?)\s*】$")
_ISSUE_NO = re.compile(r"第\s*(\d+)\s*期")
_ISSUE_CUM = re.compile(r"总\s*第\s*(\d+)\s*期")
_PUBLISHED = re.compile(rf"^{DATE_PATTERN}\s*出版\s*(?:[(（](?P<period>[^()（）]+)[)）])?$")
_ORGANISER = re.compile(r"^(?P<org>.+?)\s*主办$")
_ATTACHMENT_MARK = re.compile(r"^附\s*件\s*(\d*)\s*[:：]?\s*(.*)$")
_ISSUER_TAIL = re.compile(r"(?:政府|办公室|办公厅|国务院|委员会|局|厅|部|委|办|中心|院|会|处|署)$")
_EFFECTIVE = re.compile(
    rf"(?:自|从|于)\s*(?:(?P<date>{DATE_PATTERN})|(?P<md>\d{{1,2}}\s*月\s*\d{{1,2}}\s*日)|"
    r"(?P<event>印发|发布|公布|下发|签发|颁布)(?:之日)?)\s*起\s*(?:施行|实施|执行|生效)"
)
_VALID_FOR = re.compile(
    r"有效期\s*(?:为|是)?\s*(?P<n>\d{1,2}|[一二三四五六七八九十两]{1,3})\s*(?P<unit>年|个月)"
)
_VALID_UNTIL = re.compile(rf"有效期(?:至|到|截至)\s*(?P<date>{DATE_PATTERN})")
_ORDER_HEAD = re.compile(r"^.{2,20}令$")
_ORDER_NO = re.compile(r"^第\s*\d{1,5}\s*号$")
# The first line of a 成文日期 the layout broke in two: the year, or the year and the month.
_DATE_HEAD = re.compile(
    r"^(?:\d{4}|[零〇○◯一二三四五六七八九Oo0]{4})年(?:[\d一二三四五六七八九十]{1,3}月)?$"
)


@dataclass
class _Ctx:
    spans: list[Span] = field(default_factory=list)
    unparsed: list[Unparsed] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)

    def span(self, start: int, end: int, role: str, ref: str = "") -> None:
        self.spans.append(Span(start, end, role, ref))

    def leftover(self, units: list[Unit]) -> None:
        for unit in units:
            self.unparsed.append(Unparsed(unit.line, unit.line, unit.text))
            self.span(unit.line, unit.line, "unparsed")


def parse_issue(data: bytes | str) -> ParseResult:
    """Parse an issue's converted text (UTF-8 with or without BOM, or GB18030/GBK bytes).

    Raises DomainError gazette.empty / gazette.binary / gazette.undecodable for unreadable
    input and gazette.not_a_document when no government document can be found in it.
    Source: GB/T 9704-2012 党政机关公文格式 (elements); issue 3 (parser).
    """
    text = decode(data)
    ctx = _Ctx()
    units = _units(text, ctx)
    if not units:
        raise DomainError("gazette.empty", "文件为空: 没有可以解析的公报内容")
    issue, body_start, toc = _cover_and_toc(units, ctx)
    colophon_at = _colophon_start(units, body_start)
    body = units[body_start:colophon_at]
    colophon = units[colophon_at:]
    if colophon:
        ctx.span(colophon[0].line, colophon[-1].line, "colophon")
        issue = _with_colophon(issue, colophon)
    documents = _documents(body, toc, ctx, issue)
    if not documents:
        raise DomainError(
            "gazette.not_a_document",
            "未能识别出政府公文: 没有找到发文字号、公文标题或 gov.cn 元数据 (发文字号：…), 请确认上传的是公报或公文文本",
        )
    ctx.unparsed.sort(key=lambda u: u.line_start)
    ctx.spans.sort(key=lambda s: (s.line_start, s.line_end))
    return ParseResult(
        issue, tuple(documents), tuple(ctx.unparsed), tuple(ctx.spans), tuple(ctx.warnings)
    )


# ------------------------------------------------------------------ lines


def _units(text: str, ctx: _Ctx) -> list[Unit]:
    units: list[Unit] = []
    gap = True
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            gap = True
            continue
        if is_rule(raw.strip()):
            ctx.span(number, number, "layout")
            gap = True
            continue
        for piece in clean_line(raw):
            units.append(Unit(number, piece, gap))
            gap = False
    return units


def build_paras(units: list[Unit]) -> list[Para]:
    """Paragraphs from lines, with mangled tables repaired (see :func:`repair_table`)."""
    out: list[Para] = []
    pending: list[Unit] = []
    i = 0
    while i < len(units):
        if (
            is_table_row(units[i].text)
            and len([c for c in units[i].text.split("\t") if c.strip()]) >= 2
        ):
            j = i
            while j < len(units) and is_table_row(units[j].text):
                j += 1
            out.extend(join_units(pending))
            table, prose = repair_table(units[i:j])
            out.append(table)
            pending = list(prose)
            i = j
            continue
        pending.append(units[i])
        i += 1
    out.extend(join_units(pending))
    return out


# ------------------------------------------------------------------ cover, contents, colophon


def _cover_and_toc(units: list[Unit], ctx: _Ctx) -> tuple[Issue, int, list[TocEntry]]:
    head = units[:40]
    toc_at = next((i for i, u in enumerate(head) if compact(u.text) in ("目录", "本期目录")), None)
    has_cover = any(compact(u.text).endswith("公报") for u in head[:10])
    if toc_at is None and not has_cover:
        return Issue(), 0, []
    fields: dict[str, object] = {}
    cover_end = toc_at if toc_at is not None else _cover_end(units)
    leftovers: list[Unit] = []
    for unit in units[:cover_end]:
        if not _cover_line(unit.text, fields):
            leftovers.append(unit)
        else:
            ctx.span(unit.line, unit.line, "cover")
    ctx.leftover(leftovers)
    toc: list[TocEntry] = []
    body_start = cover_end
    if toc_at is not None:
        ctx.span(units[toc_at].line, units[toc_at].line, "toc")
        toc, body_start = _toc(units, toc_at + 1, ctx)
    issue = Issue(
        title=_opt_str(fields.get("title")),
        year=_opt_int(fields.get("year")),
        number=_opt_int(fields.get("number")),
        cumulative_number=_opt_int(fields.get("cumulative")),
        published=fields.get("published") if isinstance(fields.get("published"), date) else None,  # type: ignore[arg-type]
        organiser=_opt_str(fields.get("organiser")),
        periodicity=_opt_str(fields.get("periodicity")),
        toc=tuple(toc),
    )
    return issue, body_start, toc


def _opt_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _opt_int(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _cover_end(units: list[Unit]) -> int:
    for i, unit in enumerate(units[:40]):
        if normalise_doc_number(unit.text) is not None:
            return max(0, i - 1)
    return 0


def _cover_line(text: str, fields: dict[str, object]) -> bool:
    """Read one cover line into ``fields``; False when it is not a cover element."""
    flat = compact(text)
    if flat.endswith("公报") and len(flat) <= 30:
        fields.setdefault("title", flat)
        return True
    if re.fullmatch(r"[A-Z][A-Z\s]{6,}", text.strip()):
        return True  # the title in pinyin
    if re.fullmatch(r"(?:19|20)\d{2}", flat):
        fields.setdefault("year", int(flat))
        return True
    published = _PUBLISHED.match(flat)
    if published:
        fields["published"] = read_date(published.group(0)[: published.group(0).index("日") + 1])
        if published["period"]:
            fields["periodicity"] = published["period"]
        return True
    number = _ISSUE_NO.search(flat)
    if number and re.fullmatch(r"(?:\d{4}年)?第\d+期[(（]?(?:总第\d+期)?[)）]?", flat):
        fields.setdefault("number", int(number.group(1)))
        cumulative = _ISSUE_CUM.search(flat)
        if cumulative:
            fields.setdefault("cumulative", int(cumulative.group(1)))
        year = re.match(r"(\d{4})年", flat)
        if year:
            fields.setdefault("year", int(year.group(1)))
        return True
    organiser = _ORGANISER.match(flat)
    if organiser:
        fields.setdefault("organiser", organiser["org"])
        return True
    return False


def _toc(units: list[Unit], start: int, ctx: _Ctx) -> tuple[list[TocEntry], int]:
    entries: list[TocEntry] = []
    section: str | None = None
    pending: list[Unit] = []
    end = start
    i = start
    while i < len(units):
        text = units[i].text
        flat = compact(text)
        sect = _SECTION.match(flat)
        entry = _TOC_ENTRY.match(text.strip())
        leader = _TOC_LEADER.match(text.strip())
        if sect and not pending:
            section = sect.group(1)
            ctx.span(units[i].line, units[i].line, "toc")
            end = i + 1
        elif entry or (leader and not pending):
            title_units = pending if entry else [units[i]]
            title = (
                tidy_heading("".join(u.text for u in title_units))
                if entry
                else tidy_heading(leader["title"])  # type: ignore[index]
            )
            number = normalise_doc_number(entry["num"]) if entry else None
            page = int(entry["page"] if entry else leader["page"])  # type: ignore[index]
            entries.append(TocEntry(section, title, number, page))
            first = title_units[0].line if title_units else units[i].line
            ctx.span(first, units[i].line, "toc")
            pending = []
            end = i + 1
        elif len(pending) < 4 and not ends_terminal(text) and normalise_doc_number(text) is None:
            pending.append(units[i])
        else:
            break
        i += 1
    return entries, end


def _colophon_start(units: list[Unit], start: int) -> int:
    for i in range(len(units) - 1, start - 1, -1):
        flat = compact(units[i].text)
        if flat.startswith(("主办单位", "编辑出版", "承办单位", "主办:", "主办：")):
            j = i
            while j - 1 >= start and compact(units[j - 1].text).startswith(
                ("主办单位", "编辑出版", "承办单位")
            ):
                j -= 1
            return j
    return len(units)


def _with_colophon(issue: Issue, colophon: list[Unit]) -> Issue:
    organiser = issue.organiser
    for unit in colophon:
        match = re.match(r"^主办单位\s*[:：]\s*(.+)$", compact(unit.text))
        if match and organiser is None:
            organiser = match.group(1)
    return Issue(
        title=issue.title,
        year=issue.year,
        number=issue.number,
        cumulative_number=issue.cumulative_number,
        published=issue.published,
        organiser=organiser,
        periodicity=issue.periodicity,
        toc=issue.toc,
        colophon=tuple(unit.text for unit in colophon),
    )


# ------------------------------------------------------------------ documents


@dataclass
class _Head:
    start: int  # index of the first unit of the document (title or metadata block)
    body: int  # index of the first unit after the title and number
    number: str | None
    title: str | None
    labels: list[tuple[str, str]]
    lines: list[tuple[int, int, str]]  # spans of the header


def _title_like(text: str) -> bool:
    flat = compact(text)
    return (
        0 < len(flat) <= 80
        and not ends_terminal(text)
        and not is_date_line(text)
        and not NOTE_RE.match(flat)
        and heading_match(text) is None
        and not is_label(text)
        and normalise_doc_number(text) is None
        and not is_table_row(text)
    )


def doc_type_of(title: str | None) -> str | None:
    """The 文种 a title ends with (…的通知 → 通知, …实施意见 → 意见), else None.

    Source: 党政机关公文处理工作条例 (2012) 第八条 (公文种类), plus 办法/预案/方案/规定/条例… for attached texts.
    """
    if not title:
        return None
    flat = _TITLE_TAIL.sub("", compact(title))
    for ending, kind in DOC_TYPES:
        if flat.endswith(ending):
            return kind
    return None


def _documents(units: list[Unit], toc: list[TocEntry], ctx: _Ctx, issue: Issue) -> list[Document]:
    heads = _heads(units, toc)
    if not heads:
        ctx.leftover(units)
        return []
    ctx.leftover(units[: heads[0].start])
    documents: list[Document] = []
    by_number = {entry.number: entry for entry in toc if entry.number}
    by_title = {compact(entry.title): entry for entry in toc}
    for k, head in enumerate(heads):
        end = heads[k + 1].start if k + 1 < len(heads) else len(units)
        entry = by_number.get(head.number) if head.number else None
        if entry is None and head.title:
            entry = by_title.get(compact(head.title))
        documents.append(
            _document(head, units[head.start : end], units[head.body : end], entry, ctx, issue)
        )
    return documents


def _heads(units: list[Unit], toc: list[TocEntry]) -> list[_Head]:
    toc_titles = {entry.number: entry.title for entry in toc if entry.number}
    unnumbered = {compact(entry.title) for entry in toc if not entry.number}
    heads: list[_Head] = []
    i = 0
    while i < len(units):
        text = units[i].text
        meta = _META_RE.match(text.strip())
        if meta and i + 1 < len(units) and _META_RE.match(units[i + 1].text.strip()):
            head = _meta_head(units, i)
            heads.append(head)
            i = head.body
            continue
        number = normalise_doc_number(text)
        if number is not None and "〔" in number:
            floor = heads[-1].body if heads else 0
            start = _title_start(units, i, floor, toc_titles.get(number))
            if start is not None:
                title = tidy_heading("".join(u.text for u in units[start:i]))
                heads.append(
                    _Head(
                        start,
                        i + 1,
                        number,
                        title,
                        [],
                        [
                            (units[start].line, units[i - 1].line, "title"),
                            (units[i].line, units[i].line, "number"),
                        ],
                    )
                )
                i += 1
                continue
        if unnumbered and compact(text) in unnumbered:
            heads.append(
                _Head(
                    i,
                    i + 1,
                    None,
                    tidy_heading(text),
                    [],
                    [(units[i].line, units[i].line, "title")],
                )
            )
        i += 1
    if not heads and units and _title_like(units[0].text) and doc_type_of(units[0].text):
        heads.append(
            _Head(
                0,
                1,
                None,
                tidy_heading(units[0].text),
                [],
                [(units[0].line, units[0].line, "title")],
            )
        )
    return heads


def _title_start(units: list[Unit], i: int, floor: int, expected: str | None) -> int | None:
    """Where the title above a 文号 line begins (it may be broken over up to four lines)."""
    acc = ""
    found: int | None = None
    for j in range(i - 1, max(floor, i - 5) - 1, -1):
        if not _title_like(units[j].text):
            break
        acc = compact(units[j].text) + acc
        if expected is not None:
            if acc == compact(expected):
                return j
            continue
        found = j
        if "关于" in units[j].text:
            above = units[j - 1].text if j - 1 >= max(floor, 0) else ""
            if (
                compact(units[j].text).startswith("关于")
                and _title_like(above)
                and _ISSUER_TAIL.search(compact(above))
            ):
                found = j - 1  # the issuer's name on its own line above "关于…"
            break
        if doc_type_of(acc) is None:
            break
    if expected is not None:
        return _title_start(units, i, floor, None)
    if found is not None and doc_type_of(acc) is None and "关于" not in acc:
        return None
    return found


def _meta_head(units: list[Unit], i: int) -> _Head:
    labels: list[tuple[str, str]] = []
    j = i
    while j < len(units):
        match = _META_RE.match(units[j].text.strip())
        if not match:
            break
        labels.append((match.group(1), match.group(2).strip()))
        j += 1
    spans = [(units[i].line, units[j - 1].line, "metadata")]
    meta = dict(labels)
    number = normalise_doc_number(meta.get("发文字号", "") or meta.get("文号", ""))
    title = meta.get("标题")
    # the body repeats the title (possibly over several lines) and the number; consume them
    if title:
        acc = ""
        for k in range(j, min(j + 6, len(units))):
            acc += compact(units[k].text)
            if acc == compact(title):
                spans.append((units[j].line, units[k].line, "title"))
                j = k + 1
                break
            if not compact(title).startswith(acc):
                break
    if j < len(units) and number and normalise_doc_number(units[j].text) == number:
        spans.append((units[j].line, units[j].line, "number"))
        j += 1
    if (
        j + 1 < len(units)
        and _ORDER_HEAD.match(compact(units[j].text))
        and _ORDER_NO.match(compact(units[j + 1].text))
    ):
        spans.append((units[j].line, units[j + 1].line, "number"))
        j += 2
    return _Head(i, j, number, tidy_heading(title) if title else None, labels, spans)


def _document(
    head: _Head,
    all_units: list[Unit],
    units: list[Unit],
    entry: TocEntry | None,
    ctx: _Ctx,
    issue: Issue,
) -> Document:
    meta = dict(head.labels)
    number = head.number
    title = head.title or (entry.title if entry else None)
    key = number or f"无文号:{title or (all_units[0].line if all_units else 0)}"
    for start, end, role in head.lines:
        ctx.span(start, end, role, key)
    paras = build_paras(units)

    # 主送机关
    addressees: tuple[str, ...] = ()
    k = 0
    if paras and _is_addressee(paras[0].text):
        addressees = _split_addressees(paras[0].text)
        ctx.span(paras[0].line_start, paras[0].line_end, "addressees", key)
        k = 1

    # 署名, 成文日期, 附注
    sig = _signature(paras, k)
    issuer: str | None = None
    signed: date | None = None
    public = Public.UNMARKED
    main_end = len(paras)
    rest_start = len(paras)
    date_text = ""
    date_lines = (all_units[0].line, all_units[-1].line) if all_units else (0, 0)
    if sig is not None:
        date_at, date_end, issuer_at = sig
        date_text = "".join(p.text for p in paras[date_at : date_end + 1])
        date_lines = (paras[date_at].line_start, paras[date_end].line_end)
        signed = read_date(date_text)
        ctx.span(date_lines[0], date_lines[1], "date", key)
        if issuer_at is not None:
            issuer = _issuer_name(paras[issuer_at].text)
            ctx.span(paras[issuer_at].line_start, paras[issuer_at].line_end, "signature", key)
        main_end = issuer_at if issuer_at is not None else date_at
        rest_start = date_end + 1
        if rest_start < len(paras):
            note = NOTE_RE.match(compact(paras[rest_start].text))
            if note:
                public = _public(note.group(1))
                ctx.span(paras[rest_start].line_start, paras[rest_start].line_end, "note", key)
                rest_start += 1
    if meta.get("发文机关"):
        issuer = meta["发文机关"]
    if meta.get("成文日期"):
        labelled = read_date(meta["成文日期"])
        if labelled is None and signed is None:
            date_text = meta["成文日期"]
            date_lines = head.lines[0][:2] if head.lines else date_lines
        signed = labelled or signed
    if signed is None:
        ctx.warnings.append(_date_warning(key, date_text, date_lines))
    if meta.get("公开属性"):
        public = _public(meta["公开属性"])
    if issuer is None and title and "关于" in title:
        issuer = title.split("关于", 1)[0].strip(" 、") or None

    clauses, placed = build_clauses(paras[k:main_end])
    for para, eid in placed:
        ctx.span(para.line_start, para.line_end, "clause", f"{key}#{eid}")
    taken = {c.eid for c in _walk(clauses)}
    rest_units = [
        u for u in units if rest_start < len(paras) and u.line >= paras[rest_start].line_start
    ]
    attachments = _attachments(rest_units, title, paras[k:main_end], key, taken, ctx)

    body_paras = [p for p, _ in placed] + [p for a in attachments for p in a[1]]
    signed_year = signed.year if signed else issue.year
    published = read_date(meta["发布日期"]) if meta.get("发布日期") else None
    effective = _effective(body_paras, signed, published, signed_year)
    validity, expiry = _validity(body_paras, effective or signed)
    repeals, cites = _references(body_paras, number)
    code = year = seq = None
    if number:
        code, year, seq = parse_doc_number(number)
    line_start = all_units[0].line if all_units else 0
    line_end = all_units[-1].line if all_units else 0
    return Document(
        number=number,
        code=code,
        year=year,
        seq=seq,
        title=title,
        doc_type=doc_type_of(title),
        category=entry.section if entry else None,
        issuer=issuer,
        addressees=addressees,
        signed_date=signed,
        public=public,
        effective_date=effective,
        validity=validity,
        expiry_date=expiry,
        repeals=repeals,
        cites=cites,
        attachments=tuple(a[0] for a in attachments),
        clauses=clauses,
        line_start=line_start,
        line_end=line_end,
        page=entry.page if entry else None,
        published_date=published,
        labels=tuple(head.labels),
    )


def _walk(clauses: tuple[Clause, ...]) -> list[Clause]:
    out: list[Clause] = []
    for clause in clauses:
        out.extend(clause.walk())
    return out


def _public(word: str) -> Public:
    if "依申请" in word:
        return Public.ON_REQUEST
    if "不予" in word or "不公开" in word:
        return Public.WITHHELD
    if "公开" in word:
        return Public.ACTIVE
    return Public.UNMARKED


def _is_addressee(text: str) -> bool:
    stripped = text.strip()
    return (
        stripped[-1:] in ":："
        and len(stripped) <= 150
        and "。" not in stripped
        and "如下" not in stripped
        and heading_match(stripped) is None
    )


_ORGAN_TAIL = re.compile(
    r"(?:政府|办事处|单位|部门|局|委|办|中心|分局|机构|处|室|部|院|会|军区|公司|镇|街道|发展改革委)$"
)


def _split_addressees(text: str) -> tuple[str, ...]:
    """主送机关 as a list: groups split on commas; 、 splits a group only between organs."""
    body = text.strip().rstrip(":：").strip()
    out: list[str] = []
    for group in re.split(r"[，,；;]", body):
        group = group.strip()
        if not group:
            continue
        parts = [p.strip() for p in group.split("、") if p.strip()]
        if len(parts) > 1 and all(_ORGAN_TAIL.search(p) for p in parts):
            out.extend(parts)
        else:
            out.append(group)
    return tuple(out)


def _issuer_like(text: str) -> bool:
    flat = compact(text)
    return (
        0 < len(flat) <= 40
        and not re.search(r"[。，,；;：:“”《》]", text)
        and heading_match(text) is None
        and not is_date_line(text)
        and (
            bool(_ISSUER_TAIL.search(flat))
            or is_name_title(text)
            or bool(re.search(r"[\s\u3000]", text.strip()))
        )
    )


def _issuer_name(text: str) -> str:
    """The 署名 as one name; joint issuers printed side by side are joined with 、."""
    parts = [p for p in re.split(r"[\s\u3000]+", text.strip()) if p]
    if len(parts) > 1 and all(len(p) >= 4 and _ISSUER_TAIL.search(p) for p in parts):
        return "、".join(parts)
    return tidy_heading(text)


def _date_warning(key: str, text: str, lines: tuple[int, int]) -> ParseWarning:
    """The warning for a document left without a 成文日期 (unreadable, or not found at all)."""
    if text:
        return ParseWarning(
            "gazette.date_unreadable",
            f"成文日期无法识别 (不是一个存在的日期): {compact(text)}; 成文日期留空, 请人工核对",
            key,
            lines[0],
            lines[1],
            text,
        )
    return ParseWarning(
        "gazette.date_missing",
        "未找到成文日期: 成文日期留空, 请人工核对",
        key,
        lines[0],
        lines[1],
    )


def _date_at(paras: list[Para], i: int) -> int | None:
    """The index of the last paragraph of a 成文日期 starting at ``i``, or None.

    A date is one paragraph (2024年3月8日) or two when the layout broke it (二〇二四年 / 三月八日).
    """
    if is_date_line(paras[i].text):
        return i
    if (
        i + 1 < len(paras)
        and _DATE_HEAD.match(compact(paras[i].text))
        and is_date_line(compact(paras[i].text) + compact(paras[i + 1].text))
    ):
        return i + 1
    return None


def _signature(paras: list[Para], start: int) -> tuple[int, int, int | None] | None:
    """(first and last index of the 成文日期, index of the 署名 or None) of the first signature.

    The first one is taken: a 印发/转发 notice's cover letter is signed and dated before the
    text it publishes, which may carry dates (or a signature) of its own after it.
    """
    for i in range(start, len(paras)):
        end = _date_at(paras, i)
        if end is None:
            continue
        if i - 1 >= start and _issuer_like(paras[i - 1].text):
            return i, end, i - 1
        following = paras[end + 1].text if end + 1 < len(paras) else ""
        if not following or NOTE_RE.match(compact(following)):
            return i, end, None
    return None


def _attachments(
    units: list[Unit], doc_title: str | None, main: list[Para], key: str, taken: set[str], ctx: _Ctx
) -> list[tuple[Attachment, list[Para]]]:
    """The documents after the signature: each 附件N marker starts one, else all is one."""
    if not units:
        return []
    groups: list[tuple[Unit | None, list[Unit]]] = [(None, [])]
    for unit in units:
        mark = _ATTACHMENT_MARK.match(compact(unit.text))
        if mark and len(compact(unit.text)) <= 40 and not ends_terminal(unit.text):
            groups.append((unit, []))
        else:
            groups[-1][1].append(unit)
    if not groups[0][1]:
        groups = groups[1:]
    expected = _expected_attachment_titles(doc_title, main)
    out: list[tuple[Attachment, list[Para]]] = []
    for n, (mark_unit, group) in enumerate(groups, start=1):
        eid = f"att_{n}"
        ref = f"{key}!{eid}"
        title: str | None = None
        if mark_unit is not None:
            ctx.span(mark_unit.line, mark_unit.line, "attachment_title", ref)
            label = _ATTACHMENT_MARK.match(compact(mark_unit.text))
            title = (label.group(2) if label else None) or None
        body = group
        if title is None:
            taken_lines = _attachment_title_lines(group, expected)
            if taken_lines:
                title = tidy_heading("".join(u.text for u in group[:taken_lines]))
                ctx.span(group[0].line, group[taken_lines - 1].line, "attachment_title", ref)
                body = group[taken_lines:]
        if title is None and len(expected) == 1:
            title = expected[0]
        paras = build_paras(body)
        clauses, placed = build_clauses(
            paras, intro_eid=f"{eid}__intro", wrapup_eid=f"{eid}__wrapup", taken=taken
        )
        for para, clause_eid in placed:
            ctx.span(para.line_start, para.line_end, "clause", f"{key}#{clause_eid}")
        first = mark_unit or (group[0] if group else None)
        last = group[-1] if group else mark_unit
        out.append(
            (
                Attachment(
                    eid=eid,
                    title=title,
                    doc_type=doc_type_of(title),
                    clauses=clauses,
                    line_start=first.line if first else 0,
                    line_end=last.line if last else 0,
                ),
                [p for p, _ in placed],
            )
        )
    return out


def _expected_attachment_titles(doc_title: str | None, main: list[Para]) -> list[str]:
    """Titles the notice announces: 关于印发X的通知, and 《X》 opening its text."""
    titles: list[str] = []
    if doc_title:
        printed = re.search(r"印发(.+?)的通知$", compact(doc_title))
        if printed:
            titles.append(printed.group(1))
    if main:
        quoted = re.match(r"^《([^《》]+)》", compact(main[0].text))
        if quoted and quoted.group(1) not in titles:
            titles.append(quoted.group(1))
    return titles


def _attachment_title_lines(group: list[Unit], expected: list[str]) -> int:
    """How many of the first lines are the attachment's title (0 when none is)."""
    wanted = {compact(t) for t in expected}
    acc = ""
    for n, unit in enumerate(group[:3], start=1):
        if not _title_like(unit.text):
            break
        acc += compact(unit.text)
        if acc in wanted:
            return n
    if (
        group
        and _title_like(group[0].text)
        and len(compact(group[0].text)) <= 60
        and (doc_type_of(group[0].text) or not wanted)
    ):
        return 1
    return 0


# ------------------------------------------------------------------ dates and references


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。；;！？!?])", text) if s.strip()]


def _effective(
    paras: list[Para], signed: date | None, published: date | None, year: int | None
) -> date | None:
    """The day the document takes effect, from "本…自…起施行" (印发之日 → 成文日期)."""
    fallback: date | None = None
    for para in paras:
        for sentence in _sentences(para.text):
            match = _EFFECTIVE.search(sentence)
            if match is None:
                continue
            if match["date"]:
                when = read_date(match["date"])
            elif match["md"] and year:
                parts = [int(x) for x in re.findall(r"\d+", match["md"])]
                when = date(year, parts[0], parts[1])
            elif match["event"] in ("发布", "公布", "颁布"):
                when = published or signed
            else:
                when = signed
            prefix = sentence[: match.start()]
            if "本" in prefix or "现公布" in prefix or "现予公布" in prefix:
                return when
            fallback = fallback or when
    return fallback


def _validity(paras: list[Para], start: date | None) -> tuple[str | None, date | None]:
    """The validity text (有效期五年, 有效期至…) and the last day in force."""
    for para in paras:
        until = _VALID_UNTIL.search(para.text)
        if until:
            return until.group(0), read_date(until["date"])
        span = _VALID_FOR.search(para.text)
        if span:
            n = cn_to_int(span["n"])
            if start is None:
                return span.group(0), None
            end = add_years(start, n) if span["unit"] == "年" else add_months(start, n)
            return span.group(0), end - timedelta(days=1)
    return None, None


def _quoted_title(before: str) -> str | None:
    """The 《title》 that ends right before a 文号 (allowing the opening bracket between)."""
    stripped = before.rstrip().rstrip("(（").rstrip()
    if not stripped.endswith("》"):
        return None
    depth = 0
    for i in range(len(stripped) - 1, -1, -1):
        ch = stripped[i]
        if ch == "》":
            depth += 1
        elif ch == "《":
            depth -= 1
            if depth == 0:
                return stripped[i + 1 : -1]
    return None


def _references(
    paras: list[Para], own: str | None
) -> tuple[tuple[DocRef, ...], tuple[DocRef, ...]]:
    repeals: list[DocRef] = []
    cites: list[DocRef] = []
    seen: set[str] = set()
    for para in paras:
        for sentence in _sentences(para.text):
            numbers = [n for n in find_doc_numbers(sentence) if n[2] != own]
            if "废止" in sentence and not re.search(
                r"本(?:通知|办法|意见|实施意见|预案|方案|决定|规定)同时废止", sentence
            ):
                for start, _end, number in numbers:
                    repeals.append(DocRef(number, _quoted_title(sentence[:start]), para.line_start))
                    seen.add(number)
                if not numbers:
                    repeals.extend(
                        DocRef(None, t, para.line_start)
                        for t in re.findall(r"原《([^《》]+)》", sentence)
                    )
            else:
                for start, _end, number in numbers:
                    if number not in seen:
                        cites.append(
                            DocRef(number, _quoted_title(sentence[:start]), para.line_start)
                        )
                        seen.add(number)
    return tuple(repeals), tuple(c for c in cites if c.number not in {r.number for r in repeals})
