"""The server operator: who the `shouhu` commands act as when no account is named.

The commands are an operator's tools on the server, like `shouhu dbshell`, not a user's view.
Changes still need a name in the history and the access log, so the operator is a real account
that can never log in (unusable password, inactive). Its authority is the in-memory attribute
`server_operator`, set only here: nothing stored in the database grants it.
"""

from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.core.roles import Role
from shouhu.core.scoping import is_server_operator

OPERATOR_USERNAME = "shouhu-cli"


def operator_actor() -> User:
    user, created = User.objects.get_or_create(
        username=OPERATOR_USERNAME,
        defaults={"role": Role.ADMIN, "display_name": _("命令行操作员"), "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.server_operator = True  # type: ignore[attr-defined]
    return user


def user_for_command(username: str | None) -> User:
    """The named account (its role and scope apply), or the server operator."""
    if not username:
        return operator_actor()
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise LookupError(_("找不到用户：%(u)s") % {"u": username})
    return user


def census_reader_for(user, node) -> User:
    """Who reads the census figures: the user, or for the operator an unsaved region officer
    whose scope is the province above the node (as `shouhu census` does)."""
    if not is_server_operator(user):
        return user
    from shouhu.org.models import Region, RegionLevel

    code = node.code if isinstance(node, Region) else node.region_id
    province = Region(code=code[:2].ljust(12, "0"), name="", level=RegionLevel.PROVINCE)
    reader = User(username=OPERATOR_USERNAME, role=Role.REGION_OFFICER, is_active=True)
    reader.scope_region = province
    reader.scope_region_id = province.code
    return reader
