from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "shouhu.org"
    verbose_name = "组织架构"
