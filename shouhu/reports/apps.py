from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "shouhu.reports"
    verbose_name = "统计报表"

    def ready(self) -> None:
        from shouhu.reports import checks  # noqa: F401 - registers the system checks
