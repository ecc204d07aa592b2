"""Aid rows for the shared tables (permissions, writes, probe, query budgets): made through the
real services, by the cast of `shouhu.testing.world`."""

from django.core.files.uploadedfile import SimpleUploadedFile

from shouhu.welfare.models.aid import AidKind, AidRecord
from shouhu.welfare.services.aid import aid_propose, aid_review


def aid_record_in_class_a(world) -> AidRecord:
    """A proposal for child_a by class A's head teacher, with a scanned receipt; waiting for
    the school leader."""
    return aid_propose(
        actor=world.class_a.head_teacher,
        child=world.child_a,
        kind=AidKind.HARDSHIP_GRANT,
        amount="1250",
        source="县学生资助管理中心",
        reason="父亲病故，母亲务工收入低",
        evidence=SimpleUploadedFile("审批表.pdf", b"%PDF-1.4\n%scan\n"),
    )


def aid_crowd(child, *, head_teacher, school_leader) -> None:
    """A decided and a waiting record for a child (the query budgets' crowd)."""
    for kind, decide in ((AidKind.NUTRITION, True), (AidKind.DONATION, False)):
        record = aid_propose(
            actor=head_teacher,
            child=child,
            kind=kind,
            amount="800",
            source="营养改善计划",
            reason="寄宿生，家庭困难",
        )
        if decide:
            aid_review(actor=school_leader, record=record, approve=True, note="同意")
