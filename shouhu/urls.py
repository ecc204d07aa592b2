from django.urls import include, path

from shouhu.care import views as care_views
from shouhu.care.offline import views as offline_views

urlpatterns = [
    path("", care_views.home, name="home"),  # 我的待办
    # The installable app (issue 19): from the root, so that the service worker's scope is "/".
    path("sw.js", offline_views.service_worker, name="service-worker"),
    path("manifest.webmanifest", offline_views.manifest, name="manifest"),
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
    path("notify/", include("shouhu.notify.urls")),  # 消息通知设置, the outbox (issue 19)
    path("", include("shouhu.core.urls")),  # /healthz, the monitor's (docs/deploy.md)
]

# Chinese error pages, each with the CSP of every page (the middleware adds it to them too).
handler400 = "shouhu.core.views.bad_request"
