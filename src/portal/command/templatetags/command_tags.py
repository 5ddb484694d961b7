"""``{% command_cite c %}``: ``{% citation_link %}`` after turning a printed clause label
("二(二)1", "(二十八)") into the registry's eId, so the link lands on the clause itself."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.template import Context
from django.utils.html import format_html
from django.utils.safestring import SafeString

from chengqu.common import Citation
from chengqu.gazette import cn_to_int
from portal.gazette.links import citation_resolve

register = template.Library()

_LABEL = re.compile(r"([一二三四五六七八九十]+)?(?:[(（]([一二三四五六七八九十]+)[)）])?(\d+)?")


def clause_eid(clause: str) -> str | None:
    """ "二(二)1" → "para_2__subpara_2__item_1"; "一" → "para_1"; "(二十八)" → "*__subpara_28"
    (the leading "*" asks for a search by suffix); None when the label is not of this shape."""
    text = clause.strip()
    m = _LABEL.fullmatch(text)
    if not text or m is None or not any(m.groups()):
        return None
    top, sub, item = m.groups()
    parts = []
    if top:
        parts.append(f"para_{cn_to_int(top)}")
    if sub:
        parts.append(f"subpara_{cn_to_int(sub)}")
    if item:
        parts.append(f"item_{item}")
    eid = "__".join(parts)
    return eid if top else "*__" + eid


def _resolve(document: str, clause: str) -> str:
    eid = clause_eid(clause)
    if eid is None:
        return clause
    from portal.gazette.links import canonical_key
    from portal.gazette.models import Clause, Document

    doc = Document.objects.filter(key=canonical_key(document), stub=False).first()
    if doc is None or doc.current_id is None:
        return clause
    rows = Clause.objects.filter(version_id=doc.current_id)
    found = rows.filter(eid__endswith=eid[1:]) if eid.startswith("*") else rows.filter(eid=eid)
    hit = found.values_list("eid", flat=True).first()
    return hit or clause


@register.simple_tag(takes_context=True)
def command_cite(context: Context, citation: Citation | None) -> SafeString | str:
    if citation is None:
        return ""
    # One lookup per distinct clause on a page (an HQ page cites the same clause for many seats).
    store: Any = context.render_context
    cache: dict[tuple[str, str], str | None] = store.setdefault("command_cite", {})
    key = (citation.document, citation.clause)
    if clause_eid(citation.clause) is None and "_" not in citation.clause:
        # A label that is no eId ("5.2.3(4)") can only land on the document: one lookup per document.
        key = (citation.document, "")
    if key not in cache:
        eid = _resolve(citation.document, citation.clause)
        cache[key] = citation_resolve(Citation(citation.document, eid))[0]
    url = cache[key]
    label = citation.label()  # the clause as printed: 城政办发〔2024〕8号 二(二)1
    title = citation.text or label
    if url is None:
        return format_html('<span class="citation" title="{}">{}</span>', title, label)
    return format_html('<a class="citation" href="{}" title="{}">{}</a>', url, title, label)
