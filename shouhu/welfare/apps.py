from django.apps import AppConfig


class WelfareConfig(AppConfig):
    name = "shouhu.welfare"
    verbose_name = "资助救助、健康、安全和监护"
