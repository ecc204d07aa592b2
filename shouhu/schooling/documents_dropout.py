"""The documents of 控辍保学, each drafted as DOCX in official style (`core.official`, to edit
and sign in Word or WPS) and PDF (WeasyPrint with the Noto CJK fonts) from one outline: the
written report of a case (书面报告, to the county education bureau and the township government)
and the school's monthly report (一月一报告, also as an Excel sheet in `monthly_report_xlsx`)."""

import io
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint import HTML

from shouhu.core.official import OfficialDocument
from shouhu.registry.models import Guardian, Parent


@dataclass
class Outline:
    """A short official document: title, addressee, paragraphs and tables, the sender."""

    title: str
    addressee: str = ""
    blocks: list[tuple[str, object]] = field(default_factory=list)  # ("p"|"h"|"table", …)
    sender: str = ""
    day: str = ""
    signature: str = ""

    def p(self, text: str) -> None:
        self.blocks.append(("p", text))

    def h(self, text: str) -> None:
        self.blocks.append(("h", text))

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        self.blocks.append(("table", (header, rows)))


def outline_docx(outline: Outline) -> bytes:
    """The outline in the layout of an official document (GB/T 9704: `core.official`)."""
    document = OfficialDocument()
    document.title(outline.title)
    if outline.addressee:
        document.body(outline.addressee, indent=False)
    for kind, content in outline.blocks:
        if kind == "table":
            header, rows = content  # type: ignore[misc]
            document.table(header, [[str(v) for v in row] for row in rows])
        elif kind == "h":
            document.heading(str(content), level=1)
        else:
            document.body(str(content))
    if outline.signature:
        document.body(outline.signature, indent=False)
    if outline.sender or outline.day:
        document.signing_block(outline.sender, outline.day)
    return document.bytes()


def outline_pdf(outline: Outline) -> bytes:
    html = render_to_string("schooling/dropout_document_pdf.html", {"doc": outline})
    return HTML(string=html).write_pdf()


# --- the written report -----------------------------------------------------------------------


def _family_lines(child) -> list[str]:
    lines = []
    for parent in Parent.objects.filter(child=child).order_by("role"):
        where = f"，{parent.destination}" if parent.destination else ""
        name = parent.name or "—"
        lines.append(f"{parent.get_role_display()}：{name}（{parent.get_status_display()}{where}）")
    guardian = Guardian.objects.filter(child=child).first()
    if guardian is not None:
        lines.append(
            _("监护人：%(name)s（%(relation)s）")
            % {"name": guardian.name, "relation": guardian.relation}
        )
    return lines


def written_report_outline(file) -> Outline:
    """书面报告: the child, the family, the cause, every attempt, the school's proposal."""
    case = file.case
    child = case.child
    school = case.school
    township = school.region
    outline = Outline(
        title=_("关于%(name)s同学辍学情况的书面报告") % {"name": child.name},
        addressee=_("县教育局、%(township)s人民政府：") % {"township": township.name},
        sender=school.name,
        day=timezone.localdate().strftime("%Y年%m月%d日"),
        signature=_("校长（签字）：＿＿＿＿＿＿"),
    )
    outline.p(
        _(
            "我校%(class)s学生%(name)s（%(sex)s，%(birth)s出生）自%(day)s起辍学。学校已按劝返"
            "复学制度开展劝返工作，截至目前劝返无效，现将有关情况报告如下。"
        )
        % {
            "class": child.school_class.name,
            "name": child.name,
            "sex": child.get_sex_display(),
            "birth": child.birth_date.strftime("%Y年%m月%d日"),
            "day": case.registered_on.strftime("%Y年%m月%d日"),
        }
    )
    outline.h(_("一、家庭情况"))
    for line in _family_lines(child) or [_("（名册中无家庭成员记录）")]:
        outline.p(line)
    outline.h(_("二、辍学原因"))
    outline.p(f"{case.get_cause_display()}。{case.cause_note}")
    if case.guardian_opinion:
        outline.p(_("监护人意见：%(text)s") % {"text": case.guardian_opinion})
    outline.h(_("三、劝返工作"))
    outline.p(
        _("劝返人员：学校%(staff)s；村干部%(cadre)s；乡镇%(township)s。%(note)s")
        % {
            "staff": case.plan_staff or "—",
            "cadre": case.plan_cadre or "—",
            "township": case.plan_township or "—",
            "note": case.plan_note,
        }
    )
    outline.table(
        [_("日期"), _("劝返人员"), _("方式"), _("家庭反馈")],
        [[a.done_on.isoformat(), a.who, a.get_way_display(), a.family_said] for a in file.attempts]
        or [["—", "—", "—", _("尚无劝返记录")]],
    )
    outline.h(_("四、学校意见和建议"))
    outline.p(case.proposal or _("请县教育局和乡镇人民政府依法督促监护人送子女返校就读。"))
    return outline


def written_report_docx(file) -> bytes:
    return outline_docx(written_report_outline(file))


def written_report_pdf(file) -> bytes:
    return outline_pdf(written_report_outline(file))


# --- the monthly report -----------------------------------------------------------------------


def _monthly_count_labels() -> list[tuple[str, str]]:
    return [
        ("suspects_found", _("本月新发现疑似辍学")),
        ("suspects_open", _("疑似辍学待核实")),
        ("cases_registered", _("本月新登记辍学")),
        ("cases_open", _("辍学未返校")),
        ("returned", _("本月劝返复学")),
        ("written_off", _("本月销号")),
        ("attempts", _("本月劝返次数")),
    ]


def monthly_report_outline(figures) -> Outline:
    """一月一报告 of a school: the counts, the suspected entries and the cases."""
    month = figures.month
    outline = Outline(
        title=_("%(school)s控辍保学月报（%(y)d年%(m)d月）")
        % {"school": figures.school.name, "y": month.year, "m": month.month},
        addressee=_("%(township)s教管中心、县教育局：") % {"township": figures.school.region.name},
        sender=figures.school.name,
        day=timezone.localdate().strftime("%Y年%m月%d日"),
        signature=_("校长（签字）：＿＿＿＿＿＿"),
    )
    if figures.until == timezone.localdate():  # a month not ended: so far
        outline.p(_("统计截至%(day)s。") % {"day": figures.until.strftime("%Y年%m月%d日")})
    counts = figures.counts()
    outline.h(_("一、基本情况"))
    outline.table(
        [label for _key, label in _monthly_count_labels()],
        [[str(counts[key]) for key, _label in _monthly_count_labels()]],
    )
    outline.h(_("二、疑似辍学学生"))
    outline.table(
        [_("姓名"), _("班级"), _("发现途径"), _("发现日期"), _("状态"), _("说明")],
        [
            [s.name, s.school_class, s.rule, s.found_on.isoformat(), s.status, s.note]
            for s in figures.suspects
        ]
        or [[_("无"), "", "", "", "", ""]],
    )
    outline.h(_("三、辍学学生"))
    outline.table(
        [_("姓名"), _("班级"), _("原因"), _("登记日期"), _("状态"), _("劝返次数"), _("书面报告")],
        [
            [
                c.name,
                c.school_class,
                c.cause,
                c.registered_on.isoformat(),
                c.state,
                str(c.attempts),
                c.report or "—",
            ]
            for c in figures.cases
        ]
        or [[_("无"), "", "", "", "", "", ""]],
    )
    return outline


def monthly_report_docx(figures) -> bytes:
    return outline_docx(monthly_report_outline(figures))


def monthly_report_pdf(figures) -> bytes:
    return outline_pdf(monthly_report_outline(figures))


def monthly_report_xlsx(figures, *, by=None) -> bytes:
    """The month's report as the sheet counties ask for: a counts block, then one row per
    suspected entry and per case (学校, 类别, 姓名, 班级, …)."""
    from openpyxl import Workbook

    from shouhu.core.xlsx import (
        PrintLayout,
        append_row,
        export_footer,
        export_header,
        sheet_print_setup,
    )

    book = Workbook()
    sheet = book.active
    sheet.title = _("控辍保学月报")
    month = figures.month
    append_row(sheet, [_("学校"), figures.school.name, _("学校标识码"), figures.school.code])
    append_row(sheet, [_("月份"), f"{month.year}年{month.month}月", _("统计截至"), figures.until])
    counts = figures.counts()
    for key, label in _monthly_count_labels():
        append_row(sheet, [label, counts[key]])
    append_row(sheet, [])
    append_row(
        sheet,
        [
            _("类别"),
            _("姓名"),
            _("班级"),
            _("原因或发现途径"),
            _("日期"),
            _("状态"),
            _("劝返次数"),
            _("书面报告报送日期"),
        ],
    )
    table_row = sheet.max_row  # the table's header, repeated on every page
    for s in figures.suspects:
        append_row(
            sheet, [_("疑似辍学"), s.name, s.school_class, s.rule, s.found_on, s.status, "", ""]
        )
    for c in figures.cases:
        append_row(
            sheet,
            [
                _("辍学"),
                c.name,
                c.school_class,
                c.cause,
                c.registered_on,
                c.state,
                c.attempts,
                c.report,
            ],
        )
    layout = PrintLayout(
        title_rows=f"{table_row}:{table_row}",
        freeze=f"A{table_row + 1}",
        header=export_header(figures.school.name, f"{month.year}年{month.month}月"),
        footer=export_footer(by),
    )
    sheet_print_setup(sheet, layout)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
