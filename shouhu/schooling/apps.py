from django.apps import AppConfig


class SchoolingConfig(AppConfig):
    name = "shouhu.schooling"
    verbose_name = "在校学习：考勤、控辍保学、成绩和学习帮扶"
