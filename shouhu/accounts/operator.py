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
from shouhu.org.models import Region, RegionLevel, School

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
    """Who reads the census figures: the user, or for the operator its province reader."""
    return province_reader(node) if is_server_operator(user) else user


def province_reader(node) -> User:
    """An unsaved region officer whose scope is the province above the node: how the commands
    read figures for the operator. They run with the authority of the whole province the node
    lies in: an operator's tools on the server, like `shouhu dbshell`, not a user's view."""
    if isinstance(node, Region):
        code = node.code
    elif isinstance(node, School):
        code = node.region_id
    else:
        code = node.school.region_id
    province = Region(code=code[:2].ljust(12, "0"), name="", level=RegionLevel.PROVINCE)
    if isinstance(node, Region) and node.level == RegionLevel.NATION:
        province = node  # a national instance's commands read the whole nation (issue 18)
    reader = User(username=OPERATOR_USERNAME, role=Role.REGION_OFFICER, is_active=True)
    reader.scope_region = province
    reader.scope_region_id = province.code
    return reader
