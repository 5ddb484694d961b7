"""Registry tables: an issue and its ingested versions, documents (works), their versions,
clauses, attachments, relations and the search index rows.

Status (尚未生效/有效/已废止/失效) is computed from these facts on the day asked, never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chengqu.gazette import Public


class Issue(models.Model):
    """One issue of the gazette (2024年第1期), identified by ``key`` (``2024-1``)."""

    key = models.CharField("期次标识", max_length=200, unique=True)
    title = models.CharField("刊名", max_length=200, blank=True)
    year = models.PositiveIntegerField("年份", null=True, blank=True)
    number = models.PositiveIntegerField("期号", null=True, blank=True)
    cumulative_number = models.PositiveIntegerField("总期号", null=True, blank=True)
    published = models.DateField("出版日期", null=True, blank=True)
    organiser = models.CharField("主办单位", max_length=200, blank=True)
    periodicity = models.CharField("刊期", max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "公报期次"
        verbose_name_plural = "公报期次"
        ordering = ["-year", "-number", "-id"]

    def __str__(self) -> str:
        if self.year and self.number:
            return f"{self.title or '公报'} {self.year}年第{self.number}期"
        return self.title or self.key


class IssueVersion(models.Model):
    """One ingested text of an issue; a changed text is a new version, never an overwrite."""

    issue = models.ForeignKey(Issue, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField("版本")
    sha256 = models.CharField("原文 SHA-256", max_length=64, unique=True)
    source_name = models.CharField("来源文件", max_length=255, blank=True)
    source_text = models.TextField("原文")
    toc = models.JSONField("目录", default=list)
    colophon = models.JSONField("版权页", default=list)
    unparsed = models.JSONField("未能归位的文字", default=list)
    ingested_at = models.DateTimeField("导入时间", auto_now_add=True)
    ingested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "公报版本"
        verbose_name_plural = "公报版本"
        ordering = ["issue", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "version"], name="gazette_issue_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issue} 第{self.version}版"


class Document(models.Model):
    """A document as a work, keyed by its canonical 文号 (or ``无文号:<title>``).

    A document only named by another (repealed or cited) is a ``stub`` with no versions.
    """

    key = models.CharField("标识", max_length=300, unique=True)
    # NULL, not "", when the document has no 文号: the parse says so and nothing is invented.
    number = models.CharField("发文字号", max_length=100, null=True, blank=True, db_index=True)  # noqa: DJ001
    title = models.CharField("标题", max_length=500, blank=True)
    stub = models.BooleanField("仅被引用 (未收录)", default=False)
    current = models.ForeignKey(
        "DocumentVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "公报文件"
        verbose_name_plural = "公报文件"
        ordering = ["key"]

    def __str__(self) -> str:
        return self.number or self.title or self.key


class DocumentVersion(models.Model):
    """A document's GB/T 9704 elements as one issue version printed them."""

    PUBLIC_CHOICES = [(p.value, p.value) for p in Public]

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    issue_version = models.ForeignKey(
        IssueVersion, on_delete=models.PROTECT, related_name="documents"
    )
    order = models.PositiveIntegerField("刊内顺序")
    number = models.CharField("发文字号", max_length=100, null=True, blank=True)  # noqa: DJ001
    code = models.CharField("机关代字", max_length=50, blank=True)
    year = models.PositiveIntegerField("年份", null=True, blank=True)
    seq = models.PositiveIntegerField("顺序号", null=True, blank=True)
    title = models.CharField("标题", max_length=500, blank=True)
    doc_type = models.CharField("文种", max_length=20, blank=True)
    category = models.CharField("栏目", max_length=100, blank=True)
    issuer = models.CharField("发文机关", max_length=200, blank=True)
    addressees = models.JSONField("主送机关", default=list)
    signed_date = models.DateField("成文日期", null=True, blank=True)
    public = models.CharField(
        "公开属性", max_length=10, choices=PUBLIC_CHOICES, default=Public.UNMARKED.value
    )
    effective_date = models.DateField("施行日期", null=True, blank=True)
    validity = models.CharField("有效期", max_length=100, blank=True)
    expiry_date = models.DateField("有效期至", null=True, blank=True)
    page = models.PositiveIntegerField("页码", null=True, blank=True)
    published_date = models.DateField("发布日期", null=True, blank=True)
    labels = models.JSONField("元数据标签", default=list)
    line_start = models.PositiveIntegerField(default=0)
    line_end = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "文件版本"
        verbose_name_plural = "文件版本"
        ordering = ["issue_version", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "issue_version"], name="gazette_docversion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} ({self.issue_version})"

    @property
    def is_public(self) -> bool:
        return self.public == Public.ACTIVE.value


class Attachment(models.Model):
    """A document attached to another (the 预案 a 印发 notice publishes)."""

    version = models.ForeignKey(
        DocumentVersion, on_delete=models.CASCADE, related_name="attachments"
    )
    eid = models.CharField(max_length=50)
    title = models.CharField("标题", max_length=500, blank=True)
    doc_type = models.CharField("文种", max_length=20, blank=True)
    order = models.PositiveIntegerField()

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "eid"], name="gazette_attachment_unique")
        ]

    def __str__(self) -> str:
        return self.title or self.eid


class Clause(models.Model):
    """A numbered part with its Akoma Ntoso-style eId, unique within a document version."""

    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="clauses")
    attachment = models.ForeignKey(
        Attachment, on_delete=models.CASCADE, null=True, blank=True, related_name="clauses"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    eid = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    num = models.CharField(max_length=50, blank=True)
    heading = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True)
    order = models.PositiveIntegerField()
    depth = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "条款"
        verbose_name_plural = "条款"
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "eid"], name="gazette_clause_unique")
        ]

    def __str__(self) -> str:
        return f"{self.version.document} {self.num or self.eid}"


class Relation(models.Model):
    """``source`` (a document version) repeals or cites ``target`` (a document, maybe a stub)."""

    class Kind(models.TextChoices):
        REPEALS = "repeals", "废止"
        CITES = "cites", "引用"

    source = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="relations")
    target = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="incoming")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField("引用时的标题", max_length=500, blank=True)
    line = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "文件关系"
        verbose_name_plural = "文件关系"
        ordering = ["source", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.source.document} {self.get_kind_display()} {self.target}"


class SearchEntry(models.Model):
    """One searchable unit of a current document version: its head (title, 文号) or a clause.

    ``bigrams`` is the text as space-separated CJK bigrams and ASCII words; SQLite indexes it in
    the FTS5 table ``gazette_fts`` (kept in step by triggers), PostgreSQL in the generated
    ``tsv`` column with a GIN index. Both are created by migration 0002.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="+")
    clause = models.ForeignKey(
        Clause, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    category = models.CharField(max_length=100, blank=True)
    year = models.PositiveIntegerField(null=True, blank=True)
    issuer = models.CharField(max_length=200, blank=True)
    public = models.BooleanField(default=False)
    text = models.TextField()
    bigrams = models.TextField()

    class Meta:
        verbose_name = "检索条目"
        verbose_name_plural = "检索条目"
        indexes = [models.Index(fields=["document"], name="gazette_search_doc")]

    def __str__(self) -> str:
        return f"{self.document} {self.clause_id or ''}"
