"""What the reports keep: the drafts of semester work summaries (工作总结).

Every figure and list of a summary is drawn from the records each time it is opened or
exported; only what people write is stored.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhu.core.text import length_cap
from shouhu.org.models import School, SchoolClass


class SummaryDraft(models.Model):
    """A class's, a school's or a region's semester work summary being written (篇一–篇十四; a
    head teacher's class summary, 篇一–五): what its author writes (存在问题, 下步打算) and the
    title. One draft per node and term."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    region = models.ForeignKey(
        "org.Region",
        verbose_name=_("区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    school = models.ForeignKey(
        "org.School",
        verbose_name=_("学校"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    school_class = models.ForeignKey(
        "org.SchoolClass",
        verbose_name=_("班级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    term = models.ForeignKey(
        "org.Term", verbose_name=_("学期"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=100, blank=True, default="")
    problems = models.TextField(
        _("存在问题"), blank=True, default="", validators=[length_cap(5000)]
    )
    plans = models.TextField(_("下步打算"), blank=True, default="", validators=[length_cap(5000)])
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("起草人"), on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        "accounts.User", verbose_name=_("最后修改人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作总结草稿")
        verbose_name_plural = _("工作总结草稿")
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=False, school__isnull=True, school_class__isnull=True)
                | Q(region__isnull=True, school__isnull=False, school_class__isnull=True)
                | Q(region__isnull=True, school__isnull=True, school_class__isnull=False),
                name="summary_region_school_or_class",
            ),
            models.UniqueConstraint(
                fields=["region", "term"],
                condition=Q(region__isnull=False),
                name="one_summary_per_region_term",
            ),
            models.UniqueConstraint(
                fields=["school", "term"],
                condition=Q(school__isnull=False),
                name="one_summary_per_school_term",
            ),
            models.UniqueConstraint(
                fields=["school_class", "term"],
                condition=Q(school_class__isnull=False),
                name="one_summary_per_class_term",
            ),
        ]

    @property
    def node(self):
        if self.school_class_id:
            return self.school_class
        return self.school if self.school_id else self.region


def draft_node_kwargs(node) -> dict:
    """The draft's field that names the node: a region, a school or a class."""
    if isinstance(node, SchoolClass):
        return {"school_class": node}
    return {"school": node} if isinstance(node, School) else {"region": node}


# --- the national roll-up (issue 18) ----------------------------------------------------------


class RollupBatch(models.Model):
    """A province's signed roll-up for a term, as a national instance imported it: the file's
    manifest and who signed it. One per province and term; importing again replaces it and its
    counties' figures (`reports.rollup.importing.rollup_import`)."""

    province = models.ForeignKey(
        "org.Region", verbose_name=_("省"), on_delete=models.PROTECT, related_name="+"
    )
    term = models.ForeignKey(
        "org.Term", verbose_name=_("学期"), on_delete=models.PROTECT, related_name="+"
    )
    schema_version = models.PositiveSmallIntegerField(_("格式版本"))
    generated_at = models.DateTimeField(_("生成时间"))
    imported_at = models.DateTimeField(_("导入时间"), auto_now=True)
    key_id = models.CharField(_("签名公钥"), max_length=64)
    digest = models.CharField(_("文件摘要（SHA-256）"), max_length=64)
    # The province's own totals (exact: a province's totals are never small cells).
    totals = models.JSONField(_("全省合计"), default=dict)

    class Meta:
        verbose_name = _("省级汇总数据")
        verbose_name_plural = _("省级汇总数据")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "term"], name="one_rollup_per_province_term"
            )
        ]


class CountyRollup(models.Model):
    """One county's de-identified figures for a term, from its province's roll-up: counts of
    children (a cell under 5 suppressed, null), shares and aid totals. No name, ID or text."""

    batch = models.ForeignKey(
        RollupBatch, verbose_name=_("汇总批次"), on_delete=models.CASCADE, related_name="counties"
    )
    county = models.ForeignKey(
        "org.Region", verbose_name=_("县"), on_delete=models.PROTECT, related_name="+"
    )
    term = models.ForeignKey(
        "org.Term", verbose_name=_("学期"), on_delete=models.PROTECT, related_name="+"
    )
    figures = models.JSONField(_("数据"), default=dict)

    class Meta:
        verbose_name = _("县级汇总数据")
        verbose_name_plural = _("县级汇总数据")
        constraints = [
            models.UniqueConstraint(fields=["county", "term"], name="one_rollup_per_county_term")
        ]
