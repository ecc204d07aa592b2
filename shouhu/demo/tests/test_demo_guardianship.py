"""The demo county's guardianship: expired agreements and signed ones, a training session with
guardians at it, 优秀家长, and a 无户籍 case (seeded once per module, `conftest.seeded`)."""

from shouhu.registry.models import ChildFlag, Flag
from shouhu.testing.dates import TODAY
from shouhu.welfare.models.guardianship import (
    AgreementStatus,
    Commendation,
    GuardianAgreement,
    HukouReferral,
    TrainingAttendance,
    TrainingSession,
)


def test_the_demo_has_signed_expiring_expired_and_unsigned_agreements(small_county):
    statuses = {a.status(TODAY) for a in GuardianAgreement.objects.all()}
    assert statuses == set(AgreementStatus)
    assert not GuardianAgreement.objects.filter(signed_on__gt=TODAY).exists()
    signed = GuardianAgreement.objects.filter(signed_on__isnull=False)
    assert signed.exists() and not signed.filter(scan__isnull=True).exists()


def test_the_demo_has_training_sessions_with_guardians_and_commendations(small_county):
    assert TrainingSession.objects.filter(held_on__lt=TODAY).exists()
    assert not TrainingSession.objects.filter(held_on__gte=TODAY).exists()
    assert TrainingAttendance.objects.exists()
    assert Commendation.objects.exists()


def test_the_demo_reports_its_unregistered_children_and_registration_clears_the_flag(
    small_county,
):
    assert ChildFlag.objects.filter(flag=Flag.UNREGISTERED).exists()
    assert HukouReferral.objects.exists()
    for referral in HukouReferral.objects.filter(registered_on__isnull=False):
        flag = ChildFlag.objects.get(child=referral.child, flag=Flag.UNREGISTERED)
        assert flag.until == referral.registered_on
