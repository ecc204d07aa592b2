from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "shouhu.demo"
    verbose_name = "演示数据"
