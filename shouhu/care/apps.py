from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "shouhu.care"
    verbose_name = "关爱帮扶"
