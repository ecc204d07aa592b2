"""The administrative tree, schools, classes, terms and each term's enrolment."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhu.core.phones import validate_phone
from shouhu.core.scoping import ScopedQuerySet, TreePath


class RegionLevel(models.TextChoices):
    # The root of a national instance (issue 18): its figures are the provinces' roll-ups.
    NATION = "nation", _("全国")
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县（区、市）")
    TOWNSHIP = "township", _("乡镇（街道）")
    VILLAGE = "village", _("村（社区）")


# How many digits of the 12-digit statistical code each level owns: its prefix length.
PREFIX_LENGTH = {
    RegionLevel.NATION: 0,  # code 000000000000: every code lies under it
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}
LEVEL_OF_LENGTH = {length: level for level, length in PREFIX_LENGTH.items()}


def full_code(code: str) -> str:
    """A 2-, 4-, 6-, 9- or 12-digit code padded to the 12-digit statistical code."""
    return code.ljust(12, "0")


class RegionQuerySet(ScopedQuerySet):
    # A region is in the scope of the people of a region above it (or of it).
    scope = TreePath(regions=("code",), own="scope_region_id")


class SchoolQuerySet(ScopedQuerySet):
    # A school is where its region is, and where its pupils live: a village's supervisor sees the
    # township school their village's children attend, as they see those children.
    scope = TreePath(
        regions=("region__code", "classes__children__home_region__code"),
        school="pk",
        own="scope_school_id",
        many=True,
    )


class SchoolClassQuerySet(ScopedQuerySet):
    scope = TreePath(
        regions=("school__region__code", "children__home_region__code"),
        school="school_id",
        school_class="pk",
        own="scope_class_id",
        many=True,
    )


class Region(models.Model):
    """A node of the administrative tree, keyed by its 12-digit statistical division code.

    The code's prefix is its ancestry: everything under county 511781 has a code that starts with
    "511781", so a subtree is one indexed prefix query.
    """

    code = models.CharField(
        _("区划代码"),
        max_length=12,
        primary_key=True,
        validators=[RegexValidator(r"^\d{12}$", _("区划代码应为12位数字。"))],
    )
    name = models.CharField(_("名称"), max_length=60)
    level = models.CharField(_("级别"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # An office's public number (a township's 教管中心 or child director), printed on the contact
    # card; not a person's, so it is stored in clear.
    contact_phone = models.CharField(
        _("联系电话"),
        max_length=20,
        blank=True,
        default="",
        validators=[validate_phone],
        help_text=_("乡镇教管中心或儿童主任的办公电话，印在联系卡上。"),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[RegionLevel(self.level)]]

    def clean(self) -> None:
        if self.parent_id and not self.code.startswith(self.parent.prefix):
            raise ValidationError({"code": _("区划代码必须以上级区划代码开头。")})


class SchoolType(models.TextChoices):
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初级中学")
    NINE_YEAR = "nine_year", _("九年一贯制学校")


class School(models.Model):
    """A school, with its 10-digit school code (学校标识码), in a township or village."""

    code = models.CharField(
        _("学校标识码"),
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^\d{10}$", _("学校标识码应为10位数字。"))],
    )
    name = models.CharField(_("学校名称"), max_length=80)
    kind = models.CharField(_("学校类型"), max_length=10, choices=SchoolType.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="schools"
    )
    contact_phone = models.CharField(
        _("学校联系电话"),
        max_length=20,
        blank=True,
        default="",
        validators=[validate_phone],
        help_text=_("学校办公室（或德育处）的电话，印在联系卡上。"),
    )
    # The phone that answers at any hour in an emergency (应急值班电话, 篇七): the contact chain.
    duty_phone = models.CharField(
        _("学校值班电话"),
        max_length=20,
        blank=True,
        default="",
        validators=[validate_phone],
        help_text=_("学校应急值班电话（24小时），印在联系卡上，列入应急联系链。"),
    )
    # The parents' channel (家长端, issue 19): whether parents see their child's grades.
    grades_to_parents = models.BooleanField(
        _("家长端显示成绩"),
        default=False,
        help_text=_("勾选后，家长登录家长端可以看到自己孩子的考试成绩。"),
    )

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("学校")
        verbose_name_plural = _("学校")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Grade(models.IntegerChoices):
    G1 = 1, _("一年级")
    G2 = 2, _("二年级")
    G3 = 3, _("三年级")
    G4 = 4, _("四年级")
    G5 = 5, _("五年级")
    G6 = 6, _("六年级")
    G7 = 7, _("七年级")
    G8 = 8, _("八年级")
    G9 = 9, _("九年级")


class SchoolClass(models.Model):
    """A class (班级) of a school, e.g. 三年级(2)班, with its head teacher."""

    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="classes"
    )
    grade = models.PositiveSmallIntegerField(_("年级"), choices=Grade.choices)
    name = models.CharField(_("班级名称"), max_length=30)
    head_teacher = models.ForeignKey(
        "accounts.User",
        verbose_name=_("班主任"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="head_of_classes",
    )

    objects = SchoolClassQuerySet.as_manager()

    class Meta:
        verbose_name = _("班级")
        verbose_name_plural = _("班级")
        ordering = ["school", "grade", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="class_name_unique_in_school"),
        ]

    def __str__(self) -> str:
        return f"{self.school.name} {self.name}"


class Semester(models.IntegerChoices):
    AUTUMN = 1, _("第一学期")
    SPRING = 2, _("第二学期")


class Term(models.Model):
    """A school term (学期): a school year plus a semester, coded 2026-2027-1."""

    code = models.CharField(
        _("学期代码"),
        max_length=11,
        unique=True,
        validators=[RegexValidator(r"^\d{4}-\d{4}-[12]$", _("学期代码格式应为2026-2027-1。"))],
    )
    start_year = models.PositiveSmallIntegerField(_("学年开始年份"))
    semester = models.PositiveSmallIntegerField(_("学期"), choices=Semester.choices)
    starts_on = models.DateField(_("开学日期"))
    ends_on = models.DateField(_("结束日期"))

    class Meta:
        verbose_name = _("学期")
        verbose_name_plural = _("学期")
        ordering = ["start_year", "semester"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_year}–{self.start_year + 1}学年{self.get_semester_display()}"

    @staticmethod
    def code_for(start_year: int, semester: int) -> str:
        return f"{start_year}-{start_year + 1}-{semester}"

    def clean(self) -> None:
        if self.start_year is None or self.semester is None:
            return  # their own fields report them missing
        if self.code != self.code_for(self.start_year, self.semester):
            raise ValidationError({"code": _("学期代码与学年、学期不一致。")})

    def contains(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class ClassEnrolment(models.Model):
    """The number of all pupils of a class in a term: the denominator of every percentage."""

    school_class = models.ForeignKey(
        SchoolClass, verbose_name=_("班级"), on_delete=models.CASCADE, related_name="enrolments"
    )
    term = models.ForeignKey(Term, verbose_name=_("学期"), on_delete=models.PROTECT)
    pupils = models.PositiveIntegerField(_("在校学生数"))

    class Meta:
        verbose_name = _("班级学生数")
        verbose_name_plural = _("班级学生数")
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "term"], name="one_enrolment_per_class_term"
            ),
        ]
