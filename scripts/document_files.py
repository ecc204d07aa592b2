"""The documents of `scripts/document-pictures.sh`, written from the seeded demo county into a
folder: the county's work summary, a dropout written report, a guardian agreement and a
school's aid notice (each a Word file in official style), and the county's census export.
Each is made by the function its page or command uses, as the demo's own accounts."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(folder: Path) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from shouhu.accounts.models import User
    from shouhu.org.selectors import term_current
    from shouhu.schooling.documents_dropout import written_report_docx
    from shouhu.schooling.models.dropout import DropoutCase
    from shouhu.schooling.selectors.dropout import case_file_for
    from shouhu.welfare.aid_document import aid_notice_docx
    from shouhu.welfare.guardianship_document import agreement_docx
    from shouhu.welfare.models.guardianship import GuardianAgreement
    from shouhu.welfare.selectors.aid import aid_notices_under

    folder.mkdir(parents=True, exist_ok=True)
    term = term_current()
    assert term is not None, "the demo has a current term"
    county, leader = User.objects.get(username="county"), User.objects.get(username="leader")
    school = leader.scope_school
    call_command(
        "summary",
        scope="511781",
        term=term.code,
        kind="docx",
        output=str(folder / "work-summary.docx"),
    )
    case = DropoutCase.objects.filter(child__school_class__school=school).first()
    case = case or DropoutCase.objects.first()
    assert case is not None, "the demo has a dropout case"
    (folder / "dropout-report.docx").write_bytes(written_report_docx(case_file_for(county, case)))
    agreement = GuardianAgreement.objects.order_by("pk").first()
    assert agreement is not None, "the demo has a guardian agreement"
    (folder / "guardian-agreement.docx").write_bytes(agreement_docx(agreement))
    sheets = aid_notices_under(county, node=school, term=term)
    (folder / "aid-notice.docx").write_bytes(
        aid_notice_docx(sheets, printed_on=timezone.localdate())
    )
    call_command(
        "export_census", str(folder / "census-export.xlsx"), term=term.code, scope="511781"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
