"""The main menu: each entry is shown to a user whose role passes the permission its page
checks, read from the page's own view (`permission_required` marks it), so that the menu and
the page can never disagree (issue 11, point 11).

While a login is unfinished (the second factor not yet given, or a password that must be
changed first) every page but that step is closed, so the menu is empty: only logging out
works (issue 11, point 13).
"""

from dataclasses import dataclass
from functools import cache

from django.urls import resolve, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    # The first of these pages the user may open is the entry's link (import, else export).
    url_names: tuple[str, ...]


MENU = (
    MenuItem(_("首页"), ("home",)),
    MenuItem(_("儿童名册"), ("registry:child-list",)),
    MenuItem(_("摸底统计"), ("reports:census",)),
    MenuItem(_("统计看板"), ("reports:dashboard",)),
    MenuItem(_("名册导入导出"), ("registry:census-import", "reports:census-export")),
    MenuItem(_("学年交接"), ("registry:handover",)),
    MenuItem(_("关爱完成率"), ("care:compliance",)),
    MenuItem(_("考勤"), ("schooling:roll-call-classes",)),
    MenuItem(_("控辍保学"), ("schooling:dropout-ledgers",)),
    MenuItem(_("成绩与学习帮扶"), ("schooling:grades-home", "schooling:plan-list")),
    MenuItem(_("留守儿童之家"), ("activities:home-index",)),
    MenuItem(_("读书和表彰"), ("activities:reading-sheet",)),
    MenuItem(_("资助与救助"), ("welfare:aid-list",)),
    MenuItem(_("委托监护"), ("welfare:guardianship-agreements",)),
    MenuItem(_("健康与安全"), ("welfare:incident-list",)),
    MenuItem(_("活动"), ("activities:event-list",)),  # issue 16: events and interest groups
    MenuItem(_("个人信息保护"), ("audit:index",)),
    MenuItem(_("账号管理"), ("accounts:user-list",)),
    MenuItem(_("后台任务"), ("jobs:run-list",)),
    MenuItem(_("消息发送"), ("notify:outbox",)),  # issue 19: the outbox's counts and failures
    MenuItem(_("账号安全"), ("accounts:security",)),
)


@dataclass(frozen=True)
class MenuLink:
    label: str | Promise
    url: str


@cache
def page_permission(url_name: str) -> str | None:
    """The permission the page's view checks (None: any logged-in user)."""
    url = reverse(url_name)
    return getattr(resolve(url).func, "required_perm", None)


@cache
def page_check(url_name: str):
    """The wider rule the page's view checks (`check_required`), if any."""
    return getattr(resolve(reverse(url_name)).func, "required_check", None)


def may_open(user, url_name: str) -> bool:
    perm, check = page_permission(url_name), page_check(url_name)
    return (perm is None or user.has_perm_to(perm)) and (check is None or check(user))


def menu_for(user) -> list[MenuLink]:
    links = []
    for item in MENU:
        name = next((n for n in item.url_names if may_open(user, n)), None)
        if name is not None:
            links.append(MenuLink(item.label, reverse(name)))
    return links
