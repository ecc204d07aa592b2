"""What the reports' commands share: the node and term named on the command line, and the
operator they run as."""

from django.core.management.base import CommandError
from django.http import Http404

from shouhu.accounts.models import User
from shouhu.accounts.roles import Role
from shouhu.org.models import Region, RegionLevel, Term
from shouhu.org.selectors import node_by_code, term_by_code


def node_and_term(scope: str, term: str) -> tuple[Region, Term]:
    try:
        return node_by_code(scope), term_by_code(term)
    except Http404 as exc:
        raise CommandError(f"找不到：{exc}") from None


def operator_for(node) -> User:
    """An unsaved region officer whose scope is the province above the node.

    The commands run with the authority of the whole province the node lies in: they are an
    operator's tools on the server, like `shouhu dbshell`, not a user's view.
    """
    code = node.code if isinstance(node, Region) else node.region_id
    province = Region(code=code[:2].ljust(12, "0"), name="", level=RegionLevel.PROVINCE)
    operator = User(username="shouhu-cli", role=Role.REGION_OFFICER)
    operator.is_active = True
    operator.scope_region = province
    operator.scope_region_id = province.code
    return operator
