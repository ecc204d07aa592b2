"""The annual compliance-audit report (个人信息保护合规审计报告) as an A4 PDF.

Rendered by WeasyPrint with Noto CJK, like the contact card; the style sheet is its own file
(templates/audit/compliance_report.css), so the template holds no inline style.
"""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML

from shouhu.audit.models import AccessAction, ErasureReason, RequestKind, RequestStatus
from shouhu.audit.selectors import ComplianceFigures

STYLE = Path(__file__).parent / "templates" / "audit" / "compliance_report.css"


def compliance_report_pdf(*, figures: ComplianceFigures, officer, scope) -> bytes:
    requests = [
        (
            kind.label,
            [figures.requests.get(kind.value, {}).get(s.value, 0) for s in RequestStatus],
        )
        for kind in RequestKind
    ]
    html = render_to_string(
        "audit/compliance_report.html",
        {
            "f": figures,
            "officer": officer,
            "scope": scope,
            "made_at": timezone.localtime(),
            "accesses": [(a.label, figures.accesses[a.value]) for a in AccessAction],
            "request_statuses": [s.label for s in RequestStatus],
            "requests": requests,
            "erasures": [(r.label, figures.erasures.get(r.value, 0)) for r in ErasureReason],
            "reveals": figures.accesses[AccessAction.REVEAL],
            "exports": figures.accesses[AccessAction.EXPORT],
            "deletions": sum(figures.erasures.values()),
            "request_total": sum(sum(row) for _label, row in requests),
        },
    )
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(STYLE))])
