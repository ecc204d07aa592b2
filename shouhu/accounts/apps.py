from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shouhu.accounts"
    verbose_name = "账号"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from shouhu.accounts.passwords import one_time_code_spent
        from shouhu.accounts.sessions import stamp_session_start
        from shouhu.accounts.two_factor import remember_no_device

        user_logged_in.connect(remember_no_device, dispatch_uid="two-factor-no-device")
        user_logged_in.connect(stamp_session_start, dispatch_uid="session-start")
        user_logged_in.connect(one_time_code_spent, dispatch_uid="one-time-code-spent")
