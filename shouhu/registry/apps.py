from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "shouhu.registry"
    verbose_name = "儿童档案"
