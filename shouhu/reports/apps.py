from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class ReportsConfig(AppConfig):
    name = "shouhu.reports"
    verbose_name = "统计报表"

    def ready(self) -> None:
        # Every app's contributions to the work summary (`<app>/summary_sections.py`).
        autodiscover_modules("summary_sections")
        from shouhu.reports import checks  # noqa: F401 - registers the system checks
