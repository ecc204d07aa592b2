"""The reports' files read for a user (the statistical tables, the work summary) log the export
themselves: what, the node and the term, from the request's address."""

import pytest

from shouhu.audit.models import AccessAction, AccessLog
from shouhu.reports.selectors.exports import work_summary_export_for, workbook_for

ADDRESS = "203.0.113.7"


def test_the_workbook_read_for_a_user_is_logged_as_an_export(rf, reported, school_leader):
    content = workbook_for(
        school_leader,
        node=reported.school_a,
        term=reported.term,
        request=rf.get("/", REMOTE_ADDR=ADDRESS),
    )
    assert content.startswith(b"PK")  # an xlsx is a zip
    row = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert (row.user, row.query, row.ip) == (
        school_leader,
        f"统计报表 scope={reported.school_a.code} term={reported.term.code}",
        ADDRESS,
    )


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_the_work_summary_read_for_a_file_is_logged_as_an_export(rf, reported, school_leader, kind):
    document = work_summary_export_for(
        school_leader,
        node=reported.school_a,
        term=reported.term,
        kind=kind,
        request=rf.get("/", REMOTE_ADDR=ADDRESS),
    )
    assert reported.school_a.name in document.unit
    row = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert (row.user, row.query, row.ip) == (
        school_leader,
        f"工作总结 {kind.upper()} scope={reported.school_a.code} term={reported.term.code}",
        ADDRESS,
    )
