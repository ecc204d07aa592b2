"""Reading (读书: a book a term and a reflection), the awards (评比表彰: 五小, 三评, 优秀家长) and
chores (家务劳动, 篇十's "share of children doing chores"), per child and term."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhu.core.scoping import ChildRowQuerySet
from shouhu.core.text import length_cap

REFLECTION_MAX_LENGTH = 3000


class ReadingRecord(models.Model):
    """The child's book of the term (篇十一: one book a term with a written reflection): the
    title, the day it was finished, and the reflection typed or photographed (a `PHOTO`
    attachment, served only by this app's view after its scope check)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "registry.Child", verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="+"
    )
    term = models.ForeignKey("org.Term", verbose_name=_("学期"), on_delete=models.PROTECT)
    title = models.CharField(_("书名"), max_length=100)
    finished_on = models.DateField(_("读完日期"), null=True, blank=True)
    reflection = models.TextField(
        _("读后感"), blank=True, default="", validators=[length_cap(REFLECTION_MAX_LENGTH)]
    )
    reflection_photo = models.ForeignKey(
        "files.Attachment",
        verbose_name=_("读后感照片"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("读书记录")
        verbose_name_plural = _("读书记录")
        constraints = [
            models.UniqueConstraint(fields=["child", "term"], name="one_book_a_term"),
        ]
        indexes = [models.Index(fields=["term", "finished_on"])]


class AwardKind(models.TextChoices):
    FIVE_SMALL = "five_small", _("五小")
    THREE_REVIEWS = "three_reviews", _("三评")
    GOOD_PARENT = "good_parent", _("优秀家长")


# The 三评 of 篇十一: the three commendations a term's review gives a left-behind child.
THREE_REVIEWS = ("自强好少年", "进步之星", "孝亲敬老之星")


class Award(models.Model):
    """A commendation of the term with its reason: a 五小 or 三评 title for the child, or 优秀家长
    for the child's parent (篇九, 篇十一). The summary names the children only to readers who may
    see names; others read counts."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "registry.Child", verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="+"
    )
    term = models.ForeignKey("org.Term", verbose_name=_("学期"), on_delete=models.PROTECT)
    kind = models.CharField(_("类别"), max_length=16, choices=AwardKind.choices)
    title = models.CharField(_("称号"), max_length=30)
    reason = models.CharField(_("事迹"), max_length=300)
    awarded_on = models.DateField(_("日期"))
    awarded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("评比表彰")
        verbose_name_plural = _("评比表彰")
        ordering = ["kind", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "term", "kind", "title"], name="one_title_a_term"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="award_has_a_reason"),
        ]
        indexes = [models.Index(fields=["term", "kind"])]


class ChoreRecord(models.Model):
    """Whether the child does chores at home this term (家务劳动), as the head teacher found."""

    child = models.ForeignKey(
        "registry.Child", verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="+"
    )
    term = models.ForeignKey("org.Term", verbose_name=_("学期"), on_delete=models.PROTECT)
    does_chores = models.BooleanField(_("参加家务劳动"))
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("家务劳动")
        verbose_name_plural = _("家务劳动")
        constraints = [
            models.UniqueConstraint(fields=["child", "term"], name="one_chore_answer_a_term"),
        ]
