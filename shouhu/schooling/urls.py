from django.urls import path

from shouhu.schooling.views import attendance, dropout, dropout_reports
from shouhu.schooling.views import grades as grades_views
from shouhu.schooling.views import study_plans as plan_views

app_name = "schooling"
urlpatterns: list = [
    # attendance (考勤)
    path("attendance/", attendance.roll_call_classes, name="roll-call-classes"),
    path("attendance/classes/<int:class_id>/", attendance.roll_call, name="roll-call"),
    path(
        "attendance/absences/<int:absence_id>/",
        attendance.absence_follow_up,
        name="absence-follow-up",
    ),
    path("attendance/calendar/", attendance.calendar, name="calendar"),
    path("attendance/figures/", attendance.figures, name="attendance-figures"),
    path("home/attendance/", attendance.home_attendance, name="home-attendance"),
    path(
        "children/<uuid:public_id>/attendance/",
        attendance.child_attendance_section,
        name="child-attendance-section",
    ),
]

# 控辍保学 (school-dropout)
urlpatterns += [
    path("dropout/", dropout.ledgers, name="dropout-ledgers"),
    path("dropout/suspects/<uuid:public_id>/", dropout.suspect_handle, name="dropout-suspect"),
    path("dropout/cases/<uuid:public_id>/", dropout.case_detail, name="dropout-case"),
    path("dropout/cases/<uuid:public_id>/act/", dropout.case_act, name="dropout-case-act"),
    path(
        "dropout/cases/<uuid:public_id>/report.<str:fmt>",
        dropout.case_report,
        name="dropout-case-report",
    ),
    path(
        "dropout/cases/<uuid:public_id>/evidence/",
        dropout.case_evidence,
        name="dropout-case-evidence",
    ),
    path(
        "dropout/children/<uuid:public_id>/section/",
        dropout.child_section,
        name="child-dropout-section",
    ),
    path(
        "dropout/children/<uuid:public_id>/register/",
        dropout.case_create,
        name="child-dropout-register",
    ),
    path("dropout/home/", dropout.home_todos, name="home-dropout"),
    path("dropout/monthly/", dropout_reports.monthly, name="dropout-monthly"),
    path(
        "dropout/monthly/report.<str:fmt>",
        dropout_reports.monthly_document,
        name="dropout-monthly-document",
    ),
    path("dropout/review/", dropout_reports.review, name="dropout-review"),
    path("dropout/review/<str:code>/", dropout_reports.review_record, name="dropout-review-record"),
    path("dropout/roll-check/", dropout_reports.roll_check, name="roll-check"),
]

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
