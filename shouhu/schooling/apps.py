from django.apps import AppConfig


class SchoolingConfig(AppConfig):
    name = "shouhu.schooling"
    verbose_name = "在校学习：考勤、控辍保学、成绩和学习帮扶"

    def ready(self) -> None:
        # The duties register themselves with shouhu.jobs when imported.
        from shouhu.schooling import (
            jobs_deadlines,  # noqa: F401
            jobs_dropout,  # noqa: F401
        )
