from django.urls import path

from shouhu.schooling.views import attendance

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
