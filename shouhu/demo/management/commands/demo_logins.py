"""`shouhu demo-logins`: the demo accounts, one per role, and where to sign in."""

from django.core.management.base import BaseCommand

from shouhu.accounts.models import User
from shouhu.core.roles import Role
from shouhu.demo import data


def scope_label(user: User) -> str:
    """The account's scope as a person would name it: a region, a school, a class or pairings."""
    if user.scope_class_id:
        return str(user.scope_class)
    if user.scope_school_id:
        return str(user.scope_school)
    region = user.scope_region
    if region is not None:
        return f"{region.parent.name}{region.name}" if region.parent else region.name
    if user.role == Role.VOLUNTEER:
        return "结对儿童"
    return "—"


class Command(BaseCommand):
    help = "列出演示账号（每个角色一个）。List the demo logins, one per role."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="演示服务器端口 / demo port")

    def handle(self, *args, port: int, **options) -> None:
        url = f"http://127.0.0.1:{port}/"
        usernames = [a.username for a in data.DEMO_ACCOUNTS]
        users = {
            u.username: u
            for u in User.objects.filter(username__in=usernames).select_related(
                "scope_region__parent", "scope_school", "scope_class__school"
            )
        }
        out = self.stdout.write
        if not users:
            out("尚无演示账号，请先运行 shouhu seed-demo。")
            out("No demo accounts yet: run shouhu seed-demo first.")
            return
        out(f"演示账号（登录地址 {url}）")
        out(f"Demo logins: sign in at {url} with a username and password below.")
        out("")
        rows = [("用户名", "密码", "角色", "姓名", "管辖范围")]
        for account in data.DEMO_ACCOUNTS:
            user = users.get(account.username)
            if user is None:
                continue
            rows.append(
                (
                    user.username,
                    data.DEMO_PASSWORD,
                    str(user.get_role_display()),
                    user.display_name,
                    scope_label(user),
                )
            )
        widths = [max(_width(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            cells = [_pad(cell, width) for cell, width in zip(row, widths, strict=False)]
            out("  ".join([*cells, row[-1]]))
        out("")
        out("各班班主任账号形如 t2151178101-3-2（学校标识码-年级-班），任课教师（代理家长）形如")
        out("rk2151178101-01，志愿者形如 zy001，密码相同。")
        out(
            "Each class also has a head-teacher login such as t2151178101-3-2; subject teachers who"
        )
        out("are proxy parents log in as rk2151178101-01, volunteers as zy001; same password.")
        _parents(out, url)


def _parents(out, url: str) -> None:
    """The parents' channel (家长端): the demo parents' numbers; the code comes by SMS, which
    in development is printed by the console backend of the outbox (shouhu.notify)."""
    from shouhu.demo.parents import demo_parent_logins

    rows = demo_parent_logins()
    if not rows:
        return
    out("")
    out(f"家长端（{url}parents/）：输入下列手机号，点“获取验证码”，验证码打印在服务器控制台。")
    out(f"Parents log in at {url}parents/ with a number below and the code the console prints.")
    for phone, child, school_class in rows:
        out(f"  {phone}  {child}的父亲  {school_class}")


def _width(text: str) -> int:
    """Columns the text takes in a terminal: a Chinese character is two wide."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
