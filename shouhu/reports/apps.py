from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "shouhu.reports"
    verbose_name = "统计报表"
