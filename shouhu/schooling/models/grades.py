"""成绩 and 学习帮扶计划: the subjects a class takes, each child's mid-term and final results,
and the study-help plans (篇五) with their staged goals, each reviewed on its date.

A result is one child's score in one subject at one exam (期中 or 期末) of a term, out of the
full mark the class's subject had when it was entered; the class it was sat in is kept, so a
rank within the class can be read in any later term. A correction updates the row and the
history keeps what it replaced.
"""

import uuid

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shouhu.core.roles import Role
from shouhu.core.scoping import ChildRowQuerySet, ScopedQuerySet, TreePath
from shouhu.registry.models import ChildQuerySet


class Subject(models.TextChoices):
    CHINESE = "chinese", _("语文")
    MATHS = "maths", _("数学")
    ENGLISH = "english", _("英语")
    SCIENCE = "science", _("科学")
    MORALITY = "morality", _("道德与法治")
    HISTORY = "history", _("历史")
    GEOGRAPHY = "geography", _("地理")
    BIOLOGY = "biology", _("生物")
    PHYSICS = "physics", _("物理")
    CHEMISTRY = "chemistry", _("化学")


class ExamKind(models.TextChoices):
    MIDTERM = "mid", _("期中")
    FINAL = "final", _("期末")


class ClassSubjectQuerySet(ScopedQuerySet):
    scope = TreePath(
        regions=("school_class__school__region__code",),
        school="school_class__school_id",
        school_class="school_class_id",
    )


class ClassSubject(models.Model):
    """A subject a class takes (with its full mark and, when known, the teacher who teaches it:
    the class's teachers are its head teacher and these). A result in a subject the class does
    not take is refused."""

    school_class = models.ForeignKey(
        "org.SchoolClass", verbose_name=_("班级"), on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(_("科目"), max_length=12, choices=Subject.choices)
    full_mark = models.PositiveSmallIntegerField(
        _("满分"), default=100, validators=[MinValueValidator(10)]
    )
    teacher = models.ForeignKey(
        "accounts.User",
        verbose_name=_("任课教师"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ClassSubjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("班级科目")
        verbose_name_plural = _("班级科目")
        constraints = [
            models.UniqueConstraint(fields=["school_class", "subject"], name="class_subject_once"),
            models.CheckConstraint(condition=Q(full_mark__gte=10), name="full_mark_at_least_10"),
        ]


class GradeResult(models.Model):
    """One child's score in one subject at one exam of a term (0 to the full mark)."""

    child = models.ForeignKey(
        "registry.Child", verbose_name=_("学生"), on_delete=models.CASCADE, related_name="+"
    )
    term = models.ForeignKey("org.Term", verbose_name=_("学期"), on_delete=models.PROTECT)
    exam = models.CharField(_("考试"), max_length=5, choices=ExamKind.choices)
    subject = models.CharField(_("科目"), max_length=12, choices=Subject.choices)
    school_class = models.ForeignKey(
        "org.SchoolClass", verbose_name=_("班级"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("成绩"), max_digits=5, decimal_places=1)
    full_mark = models.PositiveSmallIntegerField(_("满分"))
    entered_by = models.ForeignKey(
        "accounts.User", verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("录入时间"))
    history = HistoricalRecords()

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("成绩")
        verbose_name_plural = _("成绩")
        constraints = [
            models.UniqueConstraint(
                fields=["child", "term", "exam", "subject"], name="grade_result_once"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=models.F("full_mark")),
                name="grade_score_in_range",
            ),
        ]
        indexes = [models.Index(fields=["school_class", "term", "exam"])]


# --- study-help plans -------------------------------------------------------------------------


class PlanStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class PlanOutcome(models.TextChoices):
    MET = "met", _("达到目标")
    PARTLY = "partly", _("部分达到")
    NOT_MET = "not_met", _("未达到")
    STOPPED = "stopped", _("中止（转学等）")


# Who may be a plan's teacher: the school's staff who help children.
PLAN_HELPERS = (Role.SCHOOL_LEADER, Role.HEAD_TEACHER, Role.TEACHER, Role.COUNSELLOR)


class StudyPlan(models.Model):
    """A study-help plan (学习帮扶计划, 篇五): a teacher helps a child over a period, with the
    content of the help and staged goals, each reviewed on its date; a closed plan records its
    result. Nothing is deleted: a plan made by mistake is closed as 中止 with a note."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "registry.Child", verbose_name=_("学生"), on_delete=models.CASCADE, related_name="+"
    )
    teacher = models.ForeignKey(
        "accounts.User", verbose_name=_("帮扶教师"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    subjects = models.CharField(_("帮扶科目"), max_length=100, blank=True, default="")
    schedule = models.CharField(
        _("帮扶时间"), max_length=100, help_text=_("如：每周二、四课后30分钟")
    )
    content = models.TextField(_("帮扶内容"), max_length=1000)
    status = models.CharField(
        _("状态"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.OPEN
    )
    outcome = models.CharField(_("结果"), max_length=8, choices=PlanOutcome.choices, blank=True)
    outcome_note = models.CharField(_("结果说明"), max_length=500, blank=True, default="")
    closed_on = models.DateField(_("结束于"), null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("学习帮扶计划")
        verbose_name_plural = _("学习帮扶计划")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="plan_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True)
                | Q(status="closed", closed_on__isnull=False) & ~Q(outcome=""),
                name="closed_plan_has_result",
            ),
        ]
        indexes = [models.Index(fields=["teacher", "status"])]


class PlanGoalQuerySet(ScopedQuerySet):
    scope = ChildQuerySet.scope.via("plan__child__")


class PlanGoal(models.Model):
    """A staged goal of a plan (阶段目标), reviewed on its date: met or not, with a note."""

    plan = models.ForeignKey(StudyPlan, on_delete=models.CASCADE, related_name="goals")
    number = models.PositiveSmallIntegerField(_("阶段"))
    goal = models.CharField(_("阶段目标"), max_length=200)
    review_on = models.DateField(_("检查日期"))
    reviewed_on = models.DateField(_("检查于"), null=True, blank=True)
    met = models.BooleanField(_("是否达到"), null=True, blank=True)
    review_note = models.CharField(_("检查情况"), max_length=500, blank=True, default="")
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = PlanGoalQuerySet.as_manager()

    class Meta:
        verbose_name = _("阶段目标")
        verbose_name_plural = _("阶段目标")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_goal_number_once")
        ]
        indexes = [models.Index(fields=["reviewed_on", "review_on"])]
