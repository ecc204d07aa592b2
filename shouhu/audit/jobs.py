"""Audit's scheduled duty (shouhu.jobs.registry): retention, as `shouhu retention` does it.

Each night, the files past their keeping time are anonymised (audit.shredder), the census
uploads never confirmed are deleted and the access log's months past
SHOUHU_ACCESS_LOG_KEEP_MONTHS are dropped whole (audit.partitions); and the next months'
partitions of every partitioned table (shouhu.core.partitions: the access log, care actions and
their links) are made (audit.partitions_ahead). A second run the same night
finds nothing more to do: an anonymised child is no longer due, a deleted upload is gone.
"""

import datetime

from django.utils.translation import gettext_lazy as _

from shouhu.audit.partitions import access_log_expire
from shouhu.audit.retention import retention_apply
from shouhu.core.partitions import partitions_ahead
from shouhu.jobs.registry import duty
from shouhu.jobs.schedule import Daily


@duty(name="audit.retention", label=_("到期档案匿名化"), schedule=Daily(hour=2))
def retention(day: datetime.date) -> str:
    due, uploads = retention_apply(today=day)
    months = access_log_expire(day)
    return f"匿名化档案 {len(due)} 份；删除过期上传 {uploads} 个；删除访问记录 {len(months)} 个月"


@duty(name="audit.partitions_ahead", label=_("预建按月分区"), schedule=Daily(hour=1))
def partitions_made_ahead(day: datetime.date) -> str:
    """The partitions of this month and the next three of every partitioned table
    (PostgreSQL): a row whose month has none is refused, so they are made long before they
    are needed."""
    made = partitions_ahead(day)
    return f"新建分区 {len(made)} 个"
