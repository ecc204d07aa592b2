"""Writes to the organisation tree: regions, schools, classes, terms and enrolments."""

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from shouhu.core.roles import Perm


@transaction.atomic
def org_record_save(*, actor, record: models.Model) -> models.Model:
    """Validate and save one record of the tree; only an administrator may."""
    if not actor.has_perm_to(Perm.ORG_MANAGE):
        raise PermissionDenied(_("只有系统管理员可以维护组织架构。"))
    record.full_clean()
    record.save()
    return record
