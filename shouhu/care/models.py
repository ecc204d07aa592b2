"""The care network (结对帮扶): who looks after which child."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PairingKind(models.TextChoices):
    PROXY_PARENT = "proxy_parent", _("代理家长")
    MENTOR = "mentor", _("结对帮扶教师")


class PairingQuerySet(models.QuerySet):
    def current(self, day: datetime.date) -> "PairingQuerySet":
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)


class Pairing(models.Model):
    """A child paired with a proxy parent or mentor (teacher or volunteer), from a start to an end.

    Every left-behind child has one proxy parent; unsupervised children come first (篇六, 篇十一).
    Reassignment ends the old pairing, so the history stays.
    """

    child = models.ForeignKey(
        "registry.Child", verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="pairings"
    )
    carer = models.ForeignKey(
        "accounts.User",
        verbose_name=_("帮扶人"),
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    kind = models.CharField(
        _("结对类型"), max_length=20, choices=PairingKind.choices, default=PairingKind.PROXY_PARENT
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("结对")
        verbose_name_plural = _("结对")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="pairing_ends_after_start",
            ),
        ]
