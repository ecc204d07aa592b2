"""`shouhu roll-check FILE --school CODE [--user NAME]`: 四查三比对 from the command line.

Compares the 学籍 list with the school's register and attendance, enters the 名在人不在 in the
suspected-dropout ledger and prints the three lists. A sheet with the wrong columns, or any row
in error, prints the reasons, enters nothing and exits with status 1.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shouhu.accounts.operator import user_for_command
from shouhu.org.models import School
from shouhu.schooling.services.roll_check import roll_check_run


class Command(BaseCommand):
    help = "四查三比对：学籍名单与名册、考勤比对，名在人不在的学生列入疑似辍学台账。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="学籍名单（.xlsx、.xls、.ods 或 .csv）")
        parser.add_argument("--school", required=True, help="学校标识码（10位）")
        parser.add_argument("--user", help="以该账号的权限和范围比对（默认：命令行操作员）")

    def handle(self, *args, file: str, school: str, user, **options):
        try:
            actor = user_for_command(user)
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        the_school = School.objects.filter(code=school).first()
        if the_school is None:
            raise CommandError(f"找不到学校：{school}")
        path = Path(file)
        if not path.exists():
            raise CommandError(f"找不到文件：{file}")
        try:
            result = roll_check_run(
                actor=actor, school=the_school, content=path.read_bytes(), filename=path.name
            )
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError("学籍名单有错误，未做任何比对。") from None
        self.stdout.write(
            f"{the_school.name}：学籍名单 {result.rows} 人，与名册对上 {result.matched} 人"
        )
        self.stdout.write(
            f"名在人不在 {len(result.absent)} 人（新列入疑似辍学台账 {result.entered} 人）："
        )
        for child in result.absent:
            self.stdout.write(f"  {child.name}（{child.school_class.name}）")
        self.stdout.write(f"在学籍名单上、不在名册中 {len(result.not_on_register)} 人：")
        for row, name in result.not_on_register:
            self.stdout.write(f"  第{row}行 {name}")
        self.stdout.write(f"在名册中、无学籍记录 {len(result.no_status)} 人：")
        for child in result.no_status:
            self.stdout.write(f"  {child.name}（{child.school_class.name}）")
