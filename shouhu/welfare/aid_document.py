"""The 公示 (public notice of aid) as a Word file in official style (`core.official`, GB/T 9704):
a school's notice, or every school's under a township or county, a school per page. What it
shows is what the PDF shows: masked names, grades, kinds and amounts, the notice period, the
school's signing block."""

import datetime

from django.utils.translation import gettext as _

from shouhu.core.official import OfficialDocument
from shouhu.welfare.selectors.aid import NoticeSheet

# The notice's columns in mm, the type area's 156 in all: 资助类型 holds the longest kind
# (家庭经济困难学生生活补助, twelve characters in 小四) on one line, 姓名 the 合计 row.
NOTICE_WIDTHS_MM = [13.0, 41.0, 18.0, 58.0, 26.0]


def _date(day: datetime.date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def aid_notice_docx(sheets: list[NoticeSheet], *, printed_on: datetime.date) -> bytes:
    document = OfficialDocument()
    for index, sheet in enumerate(sheets):
        if index:
            document.document.add_page_break()
        document.title(_("学生资助·救助公示"))
        document.centred(f"{sheet.school.name}　{sheet.term}")
        document.body(
            _(
                "经学生家庭申请、学校审核，以下学生获得本学期资助或救助，现予公示。"
                "姓名已作隐去处理，请勿转载。"
            )
        )
        rows = [
            [str(n), r.name, r.grade, r.kind, str(r.amount)]
            for n, r in enumerate(sheet.rows, start=1)
        ] or [["", _("本学期没有已批准的资助。"), "", "", ""]]
        total = _("合计（%(n)d 人次）") % {"n": len(sheet.rows)}
        rows.append(["", total, "", "", str(sheet.total)])
        document.table(
            [_("序号"), _("姓名"), _("年级"), _("资助类型"), _("金额（元）")],
            rows,
            widths_mm=NOTICE_WIDTHS_MM,
        )
        if sheet.notice is not None:
            document.body(
                _("公示期：%(a)s至%(b)s。")
                % {"a": _date(sheet.notice.starts_on), "b": _date(sheet.notice.ends_on)}
            )
        phone = sheet.school.contact_phone
        document.body(
            _("如有异议，请在公示期内向学校反映。")
            + (_("联系电话：%(p)s。") % {"p": phone} if phone else "")
        )
        document.signing_block(sheet.school.name, _date(printed_on))
    if not sheets:
        document.title(_("学生资助·救助公示"))
        document.body(_("没有已批准的资助。"))
    return document.bytes()
