"""Health (健康, 篇六): the free health checks (体检) per child and date, and the illnesses,
hospital stays and disabilities a school should know of. Health is among the most sensitive
fields (domain README): the doctor's conclusion and every note are encrypted at rest and read by
the rows of `ChildField.HEALTH_RECORDS` (`shouhu.core.visibility`)."""

import uuid
from decimal import Decimal

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhu.core.crypto import EncryptedTextField
from shouhu.core.scoping import ChildRowQuerySet

# Human ranges for a pupil of 5 to 18: a value outside is a typing error, never a child.
HEIGHT_CM = (Decimal("60"), Decimal("210"))
WEIGHT_KG = (Decimal("10"), Decimal("150"))
# Vision on the five-point logarithmic chart (五分记录, 4.0–5.3 on the school chart; 3.0 and
# below is counting fingers).
VISION = (Decimal("3.0"), Decimal("5.3"))
NOTE_MAX_LENGTH = 500


def _range(bounds: tuple[Decimal, Decimal], unit: str):
    low, high = bounds
    message = _("应在 %(low)s 到 %(high)s %(unit)s 之间。")
    params = {"low": low, "high": high, "unit": unit}
    return [
        MinValueValidator(low, message=message % params),
        MaxValueValidator(high, message=message % params),
    ]


class Dental(models.TextChoices):
    NORMAL = "normal", _("正常")
    CARIES = "caries", _("龋齿")
    OTHER = "other", _("其他问题")


class HealthCheck(models.Model):
    """One child's free health check (免费体检, 篇六) on a date, as the clinic wrote it.

    A check that needs a follow-up stays open, a to-do of the head teacher, until someone
    records that it was done (`follow_up_done_on`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "registry.Child",
        verbose_name=_("儿童"),
        on_delete=models.PROTECT,
        related_name="health_checks",
    )
    checked_on = models.DateField(_("体检日期"))
    height_cm = models.DecimalField(
        _("身高（厘米）"), max_digits=4, decimal_places=1, validators=_range(HEIGHT_CM, "厘米")
    )
    weight_kg = models.DecimalField(
        _("体重（千克）"), max_digits=4, decimal_places=1, validators=_range(WEIGHT_KG, "千克")
    )
    vision_left = models.DecimalField(
        _("左眼视力"), max_digits=2, decimal_places=1, validators=_range(VISION, "")
    )
    vision_right = models.DecimalField(
        _("右眼视力"), max_digits=2, decimal_places=1, validators=_range(VISION, "")
    )
    dental = models.CharField(_("口腔"), max_length=10, choices=Dental.choices)
    conclusion = EncryptedTextField(
        _("医生结论"),
        blank=True,
        default="",
        validators=[MaxLengthValidator(NOTE_MAX_LENGTH)],
    )
    follow_up = models.BooleanField(_("需要复查"), default=False)
    follow_up_done_on = models.DateField(_("复查完成日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("体检记录")
        verbose_name_plural = _("体检记录")
        ordering = ["-checked_on"]
        constraints = [
            models.UniqueConstraint(fields=["child", "checked_on"], name="one_check_per_child_day"),
            models.CheckConstraint(
                condition=Q(follow_up=True) | Q(follow_up_done_on__isnull=True),
                name="check_done_only_when_needed",
            ),
        ]
        indexes = [models.Index(fields=["checked_on"])]

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up and self.follow_up_done_on is None


class ConditionKind(models.TextChoices):
    ILLNESS = "illness", _("疾病")
    HOSPITAL = "hospital", _("住院")
    DISABILITY = "disability", _("残疾")


class HealthCondition(models.Model):
    """An illness, a hospital stay or a disability, from a date to a date (open while it lasts),
    with a note only the head teacher, the school leader and the counsellor read."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "registry.Child",
        verbose_name=_("儿童"),
        on_delete=models.PROTECT,
        related_name="health_conditions",
    )
    kind = models.CharField(_("类型"), max_length=12, choices=ConditionKind.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    note = EncryptedTextField(
        _("说明"), blank=True, default="", validators=[MaxLengthValidator(NOTE_MAX_LENGTH)]
    )
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("疾病·住院·残疾")
        verbose_name_plural = _("疾病·住院·残疾")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="condition_ends_after_start",
            ),
        ]
