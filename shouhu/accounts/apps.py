from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shouhu.accounts"
    verbose_name = "账号"
