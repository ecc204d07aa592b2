"""What the reports keep: the drafts of semester work summaries (工作总结).

Every figure and list of a summary is drawn from the records each time it is opened or
exported; only what people write is stored.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhu.core.text import length_cap


class SummaryDraft(models.Model):
    """A school's or a region's semester work summary being written (篇一–篇十四): the leader's
    own 存在问题 and 下步打算, and the title. One draft per node and term."""

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
                condition=Q(region__isnull=False, school__isnull=True)
                | Q(region__isnull=True, school__isnull=False),
                name="summary_region_or_school",
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
        ]

    @property
    def node(self):
        return self.school if self.school_id else self.region
