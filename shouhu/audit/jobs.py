"""Audit's scheduled duty (shouhu.jobs.registry): retention, as `shouhu retention` does it.

Each night, the files past their keeping time are anonymised (audit.shredder) and the census
uploads never confirmed are deleted. A second run the same night finds nothing more to do: an
anonymised child is no longer due, a deleted upload is gone.
"""

import datetime

from django.utils.translation import gettext_lazy as _

from shouhu.audit.retention import retention_apply
from shouhu.jobs.registry import duty
from shouhu.jobs.schedule import Daily


@duty(name="audit.retention", label=_("到期档案匿名化"), schedule=Daily(hour=2))
def retention(day: datetime.date) -> str:
    due, uploads = retention_apply(today=day)
    return f"匿名化档案 {len(due)} 份；删除过期上传 {uploads} 个"
