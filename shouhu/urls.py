from django.urls import include, path

from shouhu.care import views as care_views

urlpatterns = [
    path("", care_views.home, name="home"),  # 我的待办
    path("accounts/", include("shouhu.accounts.urls")),
    path("children/", include("shouhu.registry.urls")),
    path("", include("shouhu.reports.urls")),  # /census/, /dashboard/, /reports/…
    path("org/", include("shouhu.org.urls")),
    path("privacy/", include("shouhu.audit.urls")),
    path("care/", include("shouhu.care.urls")),
    path("jobs/", include("shouhu.jobs.urls")),  # 后台任务, the administrator's
    path("", include("shouhu.core.urls")),  # /healthz, the monitor's (docs/deploy.md)
]

# Chinese error pages, each with the CSP of every page (the middleware adds it to them too).
handler400 = "shouhu.core.views.bad_request"
