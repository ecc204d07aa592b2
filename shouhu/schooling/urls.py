from django.urls import path  # noqa: F401

from shouhu.schooling.views import grades as grades_views
from shouhu.schooling.views import study_plans as plan_views

app_name = "schooling"
urlpatterns: list = []

# 成绩 and 学习帮扶计划 (grades and study-help plans)
urlpatterns += [
    path("grades/", grades_views.grades_home, name="grades-home"),
    path("grades/classes/<int:class_id>/", grades_views.grade_sheet, name="grade-sheet"),
    path(
        "grades/classes/<int:class_id>/subjects/",
        grades_views.class_subjects_edit,
        name="class-subjects",
    ),
    path(
        "grades/classes/<int:class_id>/template.xlsx",
        grades_views.grade_template,
        name="grade-template",
    ),
    path("grades/import/", grades_views.grade_import, name="grade-import"),
    path("grades/progress/", grades_views.grade_progress, name="grade-progress"),
    path(
        "children/<uuid:public_id>/grades-section/",
        grades_views.child_school_section,
        name="child-grades-section",
    ),
    path("plans/", plan_views.plan_list, name="plan-list"),
    path("children/<uuid:public_id>/plans/new/", plan_views.plan_create, name="plan-create"),
    path("plans/<uuid:public_id>/", plan_views.plan_detail, name="plan-detail"),
    path(
        "plans/<uuid:public_id>/goals/<int:number>/review/",
        plan_views.plan_goal_review_view,
        name="plan-goal-review",
    ),
    path("plans/<uuid:public_id>/close/", plan_views.plan_close, name="plan-close"),
    path("home/plans/", plan_views.home_plans, name="home-plans"),
]
