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
    path("school/", include("shouhu.schooling.urls")),  # 考勤、控辍保学、成绩
    path("welfare/", include("shouhu.welfare.urls")),  # 资助、健康、安全、监护
    path("activities/", include("shouhu.activities.urls")),  # 活动和留守儿童之家
    path("parents/", include("shouhu.parents.urls")),  # 家长端 (parents, not staff)
    path("jobs/", include("shouhu.jobs.urls")),  # 后台任务, the administrator's
    path("", include("shouhu.core.urls")),  # /healthz, the monitor's (docs/deploy.md)
]

# Chinese error pages, each with the CSP of every page (the middleware adds it to them too).
handler400 = "shouhu.core.views.bad_request"
