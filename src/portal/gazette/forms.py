"""The search form: query text and the filters, all optional."""

from __future__ import annotations

from django import forms

from chengqu.gazette import Status


class SearchForm(forms.Form):
    q = forms.CharField(label="关键词或文号", max_length=200, required=False)
    category = forms.CharField(label="栏目", max_length=100, required=False)
    year = forms.IntegerField(label="年份", min_value=1949, max_value=2100, required=False)
    issuer = forms.CharField(label="发文机关", max_length=200, required=False)
    status = forms.ChoiceField(
        label="时效性",
        required=False,
        choices=[("", "全部"), *((s.value, s.value) for s in Status)],
    )


class IngestForm(forms.Form):
    file = forms.FileField(label="公报文本文件 (UTF-8 或 GBK)")
