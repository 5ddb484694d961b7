"""``{% citation_link c %}``: a Citation rendered as a link to its clause in the registry."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from chengqu.common import Citation
from portal.gazette.links import citation_resolve

register = template.Library()


@register.simple_tag
def citation_link(citation: Citation) -> SafeString:
    """``<a class="citation" href="/gazette/doc/…/#art_10">城政办发〔2024〕6号 art_10</a>``;
    plain text when the registry does not hold the document (a national standard)."""
    url, label = citation_resolve(citation)
    title = citation.text or label
    if url is None:
        return format_html('<span class="citation" title="{}">{}</span>', title, label)
    return format_html('<a class="citation" href="{}" title="{}">{}</a>', url, title, label)
