"""`shouhu handover --school CODE --from 2026-2027-2 --to 2027-2028-1 [--on DATE] [--dry-run]`:
the year-end handover of one school (学年交接). Head teachers and pairings carry over; the wizard
on the web is where a school leader unticks those that change. It is applied between the terms;
at any other time only with `--on`, the day it counts from.

`shouhu handover --school CODE --undo`: undo the school's latest handover, within
`SHOUHU_HANDOVER_UNDO_DAYS` days of it."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from shouhu.accounts.operator import user_for_command
from shouhu.org.models import School
from shouhu.org.selectors import term_by_code
from shouhu.registry.handover import handover_apply, handover_plan
from shouhu.registry.handover_undo import handover_latest_for, handover_undo


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from None


class Command(BaseCommand):
    help = "办理一所学校的学年交接：班级升级、毕业年级离开名册、新学期摸底按上学期预填；或撤销。"

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="10位学校标识码")
        parser.add_argument("--from", dest="from_term", help="原学期，如 2026-2027-2")
        parser.add_argument("--to", dest="to_term", help="新学期，如 2027-2028-1")
        parser.add_argument(
            "--on", help="交接日期 YYYY-MM-DD：在两个学期之间办理时不填，其他时间必须填写"
        )
        parser.add_argument("--dry-run", action="store_true", help="只列出将发生的变化，不写入")
        parser.add_argument("--no-first-grade", action="store_true", help="不新建起始年级班级")
        parser.add_argument("--undo", action="store_true", help="撤销该校最近一次学年交接")
        parser.add_argument("--user", help="以该账号办理（默认：命令行操作员）")

    def handle(
        self, *args, school, from_term, to_term, on, dry_run, no_first_grade, undo, user, **options
    ):
        found = School.objects.filter(code=school.strip()).first()
        if found is None:
            raise CommandError(f"找不到学校：{school}")
        try:
            actor = user_for_command(user)
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        if undo:
            self._undo(actor, found)
            return
        if not (from_term and to_term):
            raise CommandError("请用 --from 和 --to 指定原学期和新学期（撤销用 --undo）。")
        try:
            terms = term_by_code(from_term), term_by_code(to_term)
        except Http404 as exc:
            raise CommandError(f"找不到学期：{exc}（请先在区划与学校管理中建立学期）") from None
        day = _date(on) if on else None
        try:
            plan = handover_plan(
                actor=actor, school=found, from_term=terms[0], to_term=terms[1], on=day
            )
        except (ValidationError, Http404) as exc:
            raise CommandError(_message(exc)) from None
        for line in plan.lines():
            self.stdout.write(line)
        if plan.problems:
            raise CommandError("存在问题，未办理交接。")
        if dry_run:
            if plan.refusal:
                self.stdout.write(f"注意：{plan.refusal}")
            self.stdout.write("（试运行，未写入任何数据）")
            return
        try:
            handover_apply(
                actor=actor,
                school=found,
                from_term=terms[0],
                to_term=terms[1],
                open_first_grade=not no_first_grade,
                on=day,
            )
        except ValidationError as exc:
            raise CommandError(_message(exc)) from None
        self.stdout.write(
            f"已完成学年交接：{len(plan.moves)} 个班级升级，{plan.graduate_count} 名儿童毕业。"
        )

    def _undo(self, actor, school: School) -> None:
        try:
            handover = handover_latest_for(actor, school)
            handover_undo(actor=actor, handover=handover)
        except (ValidationError, Http404) as exc:
            raise CommandError(_message(exc)) from None
        self.stdout.write(
            f"已撤销学年交接：{school.name} {handover.from_term.code} → {handover.to_term.code}。"
        )


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or "不在账号的管辖范围内。"
