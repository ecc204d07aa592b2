"""What the reports' commands share: the node and term named on the command line, and who
reads them: the operator, or an account (`--as USERNAME`) whose scope is enforced by the same
checks as the web pages (the figure functions' own `check_node`)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.http import Http404

from shouhu.accounts.models import User
from shouhu.accounts.operator import province_reader
from shouhu.org.models import Region, School, SchoolClass, Term
from shouhu.org.selectors import term_by_code, term_current
from shouhu.org.units import node_from_code, user_scope_node

# Exit status of a refusal (unknown account, a node outside its scope, a role without the
# permission), as a usage error: a script can tell it from a failure.
REFUSED = 2

Node = Region | School | SchoolClass


def reader_arguments(parser, *, withheld: str = "") -> None:
    """--scope, --term and --as, as `census` and `stats` take them."""
    parser.add_argument(
        "--scope",
        help="区划代码（如 511781）、10位学校标识码或 class:班级ID；有 --as 时默认为该账号的范围",
    )
    parser.add_argument(
        "--term", help="学期代码，如 2026-2027-1（默认：当前学期，假期中为刚结束的学期）"
    )
    parser.add_argument(
        "--as",
        dest="username",
        metavar="USERNAME",
        help=f"以该账号的身份和管辖范围查看（超出范围时退出码为 2{withheld}）",
    )


def node_and_term(scope: str, term: str | None) -> tuple[Node, Term]:
    """The node named (`--scope`, as `?scope=` on the pages), and the term named or, without
    one, the current term."""
    return node_named(scope), term_named(term)


def term_named(code: str | None) -> Term:
    """The term of that code; without one, the current term (the last one, in the holidays),
    as the web pages choose it."""
    if code:
        try:
            return term_by_code(code)
        except Http404 as exc:
            raise CommandError(f"找不到：{exc}") from None
    term = term_current()
    if term is None:
        raise CommandError("还没有任何学期：请先建立学期或指定 --term。")
    return term


def reader_and_node(scope: str | None, username: str | None) -> tuple[User, Node]:
    """Who reads the figures, and of which node.

    Without `--as`, the operator (`accounts.operator.province_reader`) reads the node named by
    `--scope`. With `--as USERNAME`, that account reads the node named (a region, a school or
    `class:ID`), or its own scope node; a node outside its scope is refused (exit status 2)."""
    if username is None:
        if not scope:
            raise CommandError("请用 --scope 指定区划或学校（或用 --as 指定账号）。")
        node = node_named(scope)
        return province_reader(node), node
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"找不到账号：{username}", returncode=REFUSED)
    own = node_named(scope) if scope else user_scope_node(user)
    if own is None:  # a volunteer's scope is the children paired with them, not a node
        raise CommandError(
            f"账号 {username} 没有管辖的区划、学校或班级：请用 --scope 指定。", returncode=REFUSED
        )
    return user, own


@contextmanager
def scope_enforced(reader: User, scope: str) -> Iterator[None]:
    """Turn the figure functions' refusals into the command's: a node outside the account's
    scope (404 on a page) or a role without the permission (403) exits with status 2."""
    try:
        yield
    except Http404:
        raise _out_of_scope(reader.username, scope) from None
    except PermissionDenied:
        raise refused(reader) from None


def refused(reader: User) -> CommandError:
    return CommandError(
        f"账号 {reader.username}（{reader.get_role_display()}）无权查看这些统计。",
        returncode=REFUSED,
    )


def _out_of_scope(username: str, scope: str) -> CommandError:
    return CommandError(
        f"账号 {username} 无权查看“{scope}”：不在该账号的管辖范围内。", returncode=REFUSED
    )


def node_named(scope: str) -> Node:
    """A region (2–12 digits), a school (10-digit school code) or a class (`class:ID`)."""
    try:
        return node_from_code(scope)
    except Http404 as exc:
        raise CommandError(f"找不到：{exc}") from None
