"""The 委托监护责任确认书 as a document: its text drawn from an agreement (the names copied from
the child's file), as a Word file in official style (`core.official`, editable in Word and WPS)
and as a PDF (WeasyPrint with the Noto CJK fonts). A class's agreements print as one PDF, a
page each."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from weasyprint import HTML

from shouhu.core.official import OfficialDocument
from shouhu.welfare.models.guardianship import GuardianAgreement


def _date(day) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


@dataclass
class AgreementText:
    """What the paper says, in its order: parties, then numbered articles, then signatures."""

    title: str
    parties: list[tuple[str, str]]
    articles: list[tuple[str, list[str]]]
    signatures: list[str]


def agreement_text(agreement: GuardianAgreement) -> AgreementText:
    child = agreement.child
    school_class = child.school_class
    parents = "、".join(n for n in (agreement.father_name, agreement.mother_name) if n) or _(
        "（未登记）"
    )
    guardian = agreement.guardian_name + (
        f"（{agreement.guardian_relation}）" if agreement.guardian_relation else ""
    )
    term = _("自%(start)s起至%(end)s止，为期一年；期满前三十日内由双方续签。") % {
        "start": _date(agreement.starts_on),
        "end": _date(agreement.ends_on),
    }
    return AgreementText(
        title=_("留守儿童委托监护责任确认书"),
        parties=[
            (_("委托方（父母）"), parents),
            (_("受托方（委托监护人）"), guardian),
            (
                _("被监护儿童"),
                _("%(name)s，%(sex)s，%(birth)s生")
                % {
                    "name": child.name,
                    "sex": child.get_sex_display(),
                    "birth": _date(child.birth_date),
                },
            ),
            (_("就读学校"), f"{school_class.school.name}{school_class.name}"),
        ],
        articles=[
            (
                _("委托监护人的职责"),
                [
                    _("照料儿童的饮食起居，保障其营养和健康，生病时及时就医并告知父母和学校。"),
                    _("督促儿童按时上学、完成作业，不让儿童辍学、逃学，不让儿童从事有害的劳动。"),
                    _("做好安全教育和看护，防溺水、防交通事故、防欺凌，不让儿童单独外出或玩水。"),
                    _("关心儿童的情绪和心理变化，发现异常及时与父母和班主任沟通。"),
                    _("不得虐待、遗弃儿童，不得将儿童转托他人照料。"),
                ],
            ),
            (
                _("父母的联系责任"),
                [
                    _(
                        "父母每周至少与儿童通话或视频一次，每月至少与班主任联系一次，了解学习和生活情况。"
                    ),
                    _("父母按时支付儿童的生活和教育费用，节假日尽量返乡探望。"),
                    _("父母电话、务工地址变化时，三日内告知委托监护人和学校。"),
                ],
            ),
            (
                _("学校与委托监护人的配合"),
                [
                    _("学校定期开展家访和家长学校培训，委托监护人每学期至少参加一次。"),
                    _("委托监护人接到学校通知后及时到校，儿童请假须由委托监护人向班主任说明。"),
                    _("学校发现儿童缺课、情绪异常或安全隐患，及时告知委托监护人和父母，共同处理。"),
                ],
            ),
            (_("委托期限"), [term]),
        ],
        signatures=[
            _("委托方（签字）："),
            _("受托方（签字）："),
            _("学校（盖章）："),
            _("签署日期：　　　年　　月　　日"),
        ],
    )


# --- PDF --------------------------------------------------------------------------------------


def agreements_pdf(agreements: list[GuardianAgreement]) -> bytes:
    """The agreements as one PDF, a page each (a class's batch, or one)."""
    html = render_to_string(
        "welfare/guardianship_agreement_pdf.html",
        {"documents": [agreement_text(a) for a in agreements]},
    )
    return HTML(string=html).write_pdf()


# --- DOCX -------------------------------------------------------------------------------------


def agreement_docx(agreement: GuardianAgreement) -> bytes:
    """The agreement in the layout of an official document (GB/T 9704: `core.official`)."""
    text = agreement_text(agreement)
    document = OfficialDocument()
    document.title(text.title)
    for label, value in text.parties:
        document.body(f"{label}：{value}", indent=False)
    numerals = "一二三四五六七八九十"
    for n, (heading, clauses) in enumerate(text.articles):
        document.heading(f"{numerals[n]}、{heading}", level=1)
        for m, clause in enumerate(clauses, start=1):
            document.body(f"{m}. {clause}" if len(clauses) > 1 else clause)
    document.body("", indent=False)
    for line in text.signatures:
        document.body(line, indent=False)
    return document.bytes()
