"""The register: each child's file (一人一档), parents, guardian, flags and term snapshots."""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shouhu.core.crypto import EncryptedTextField, blind_index
from shouhu.core.idnumber import IdNumberError, validate_id_number
from shouhu.core.phones import validate_phone
from shouhu.core.roles import Perm
from shouhu.core.scoping import ChildRowQuerySet, ScopedQuerySet, TreePath
from shouhu.core.text import clean_name, length_cap
from shouhu.registry.classification import Category, ParentStatus


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class HukouType(models.TextChoices):
    RURAL = "rural", _("农业户口")
    URBAN = "urban", _("非农业户口")
    NONE = "none", _("无户籍")


class Flag(models.TextChoices):
    """Key intervention targets (重点对象, 篇十四)."""

    UNSUPERVISED = "unsupervised", _("无人监护")
    DROPOUT = "dropout", _("失学辍学")
    UNREGISTERED = "unregistered", _("无户籍")
    POVERTY = "poverty", _("贫困")
    LOW_INCOME = "low_income", _("低保")
    SINGLE_PARENT = "single_parent", _("单亲")
    DISABLED = "disabled", _("残疾")
    PSYCH_CONCERN = "psych_concern", _("心理问题")


class CensusSource(models.TextChoices):
    """Where the census learnt about the child (摸底排查, 篇一, 篇九, 篇十三)."""

    REGISTER = "register", _("学籍登记")
    SELF_REPORT = "self_report", _("学生自述")
    PHONE = "phone", _("电话询问")
    SPOT_CHECK = "spot_check", _("突击检查")
    HOME_VISIT = "home_visit", _("家访")


class LeaveReason(models.TextChoices):
    """Why a child left the register (学年交接, 篇十); the file is kept either way."""

    PARENTS_HOME = "parents_home", _("父母返乡")
    AGED_OUT = "aged_out", _("年满16周岁")
    MOVED_AWAY = "moved_away", _("迁出本地")
    GRADUATED = "graduated", _("毕业")
    OTHER = "other", _("其他")


class ChildQuerySet(ScopedQuerySet):
    # A child is where their class is, and where they live (a village's children attend the
    # township's school); a volunteer sees the children paired with them.
    scope = TreePath(
        regions=("school_class__school__region__code", "home_region__code"),
        school="school_class__school_id",
        school_class="school_class_id",
        child="pk",
        perm=Perm.CHILD_VIEW,
    )

    def on_register(self) -> "ChildQuerySet":
        return self.filter(left_on__isnull=True)


class Child(models.Model):
    """A child's file (一人一档). ID number encrypted; its keyed hash serves uniqueness."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("姓名"), max_length=30)
    name_pinyin = models.CharField(max_length=120, db_index=True, editable=False)
    name_initials = models.CharField(max_length=30, db_index=True, editable=False)
    sex = models.CharField(_("性别"), max_length=6, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    id_number = EncryptedTextField(_("身份证号"), blank=True, default="")
    id_number_index = models.CharField(max_length=64, blank=True, default="", editable=False)
    hukou_type = models.CharField(
        _("户籍类型"), max_length=6, choices=HukouType.choices, default=HukouType.RURAL
    )
    address = EncryptedTextField(
        _("家庭住址"), blank=True, default="", validators=[MaxLengthValidator(200)]
    )
    home_region = models.ForeignKey(
        "org.Region",
        verbose_name=_("户籍所在村（社区）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    boarding = models.BooleanField(_("是否寄宿"), default=False)
    school_class = models.ForeignKey(
        "org.SchoolClass",
        verbose_name=_("班级"),
        on_delete=models.PROTECT,
        related_name="children",
    )
    personality = models.TextField(
        _("性格、兴趣与特长"), blank=True, default="", validators=[MaxLengthValidator(2000)]
    )
    study_notes = models.TextField(
        _("学习情况"), blank=True, default="", validators=[MaxLengthValidator(2000)]
    )
    health_notes = EncryptedTextField(
        _("健康状况"), blank=True, default="", validators=[MaxLengthValidator(2000)]
    )
    registered_on = models.DateField(_("登记日期"))
    left_on = models.DateField(_("离开名册日期"), null=True, blank=True)
    left_reason = models.CharField(
        _("离开原因"), max_length=20, choices=LeaveReason.choices, blank=True, default=""
    )
    left_note = models.CharField(_("离开说明"), max_length=200, blank=True, default="")

    history = HistoricalRecords(excluded_fields=["name_pinyin", "name_initials"])
    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("儿童")
        verbose_name_plural = _("儿童")
        ordering = ["name_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=~Q(id_number_index=""),
                name="unique_id_number",
            ),
        ]
        indexes = [models.Index(fields=["school_class", "name_pinyin"])]

    def __str__(self) -> str:
        return self.name

    @property
    def school(self):
        return self.school_class.school

    def clean(self) -> None:
        errors = {}
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = _("出生日期不能晚于今天。")
        if self.id_number:
            try:
                self.id_number = validate_id_number(self.id_number, birth_date=self.birth_date)
            except IdNumberError as exc:
                errors["id_number"] = str(exc)
        if errors:
            raise ValidationError(errors)


def clean_phone(instance: models.Model, field: str) -> None:
    """Normalise a phone field in place; a bad number is an error on that field."""
    value = getattr(instance, field)
    if value:
        try:
            setattr(instance, field, validate_phone(value))
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from None


class ParentRole(models.TextChoices):
    FATHER = "father", _("父亲")
    MOTHER = "mother", _("母亲")


class Parent(models.Model):
    """One parent of a child, with where they work and how often they call home."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="parents")
    role = models.CharField(_("关系"), max_length=6, choices=ParentRole.choices)
    name = models.CharField(_("姓名"), max_length=30, blank=True, default="")
    status = models.CharField(_("状况"), max_length=10, choices=ParentStatus.choices)
    destination = models.CharField(_("务工地"), max_length=60, blank=True, default="")
    employer = EncryptedTextField(
        _("工作单位"), blank=True, default="", validators=[length_cap(100)]
    )
    phone = EncryptedTextField(_("电话"), blank=True, default="", validators=[length_cap(20)])
    # The phone's keyed hash: the parents' channel (家长端) finds a parent by the number they
    # log in with. Derived from `phone` in clean() and save(); `rotate_key` re-derives it.
    phone_index = models.CharField(
        max_length=64, blank=True, default="", editable=False, db_index=True
    )
    calls_per_month = models.PositiveSmallIntegerField(_("每月通话次数"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["phone_index"])

    class Meta:
        verbose_name = _("父母")
        verbose_name_plural = _("父母")
        constraints = [
            models.UniqueConstraint(fields=["child", "role"], name="one_parent_per_role"),
        ]

    def save(self, *args, **kwargs):
        self.phone_index_sync()
        fields = kwargs.get("update_fields")
        if fields is not None and "phone" in fields:
            kwargs["update_fields"] = {*fields, "phone_index"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.name = clean_name(self.name)
        clean_phone(self, "phone")
        self.phone_index_sync()

    def phone_index_sync(self) -> None:
        """Keep the phone's keyed hash in step with the phone (also for bulk writers)."""
        self.phone_index = blind_index(self.phone) if self.phone else ""


class Guardian(models.Model):
    """The entrusted guardian (委托监护人) who cares for the child at home."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="guardian")
    name = models.CharField(_("监护人姓名"), max_length=30)
    relation = models.CharField(_("与儿童关系"), max_length=20)
    age = models.PositiveSmallIntegerField(
        _("监护人年龄"),
        null=True,
        blank=True,
        validators=[MinValueValidator(12), MaxValueValidator(110)],
    )
    phone = EncryptedTextField(_("监护人电话"), blank=True, default="", validators=[length_cap(20)])
    address = EncryptedTextField(
        _("监护人住址"), blank=True, default="", validators=[MaxLengthValidator(200)]
    )
    # Health is among the most sensitive fields (domain README): encrypted like the child's.
    health = EncryptedTextField(
        _("监护人健康状况"), blank=True, default="", validators=[MaxLengthValidator(30)]
    )
    able_to_care = models.BooleanField(_("有监护能力"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("监护人")
        verbose_name_plural = _("监护人")

    def clean(self) -> None:
        self.name = clean_name(self.name)
        clean_phone(self, "phone")


class ChildFlagQuerySet(ChildRowQuerySet):
    def open(self) -> "ChildFlagQuerySet":
        """The flags not cleared: the one definition of an open flag (`ChildFlag.is_open` for
        a row already read)."""
        return self.filter(until__isnull=True)


class ChildFlag(models.Model):
    """A key-intervention flag, kept with the date it was set and the date it was cleared."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="flags")
    flag = models.CharField(_("重点对象"), max_length=20, choices=Flag.choices)
    since = models.DateField(_("标记日期"))
    until = models.DateField(_("解除日期"), null=True, blank=True)

    objects = ChildFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("重点对象标记")
        verbose_name_plural = _("重点对象标记")
        constraints = [
            models.UniqueConstraint(
                fields=["child", "flag"],
                condition=Q(until__isnull=True),
                name="one_open_flag_per_kind",
            ),
        ]

    @property
    def is_open(self) -> bool:
        """Not cleared (`ChildFlag.objects.open()`, for a row already read)."""
        return self.until is None


class CensusSnapshot(models.Model):
    """A child's category, flags and guardian frozen for one term (摸底排查): what that census
    counts. A later edit of the file changes the running term's snapshot, never a past one."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="snapshots")
    term = models.ForeignKey("org.Term", on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        "org.SchoolClass", on_delete=models.PROTECT, related_name="snapshots"
    )
    category = models.CharField(_("类别"), max_length=30, choices=Category.choices)
    education = models.BooleanField(_("教育部门口径留守"))
    civil = models.BooleanField(_("民政部门口径留守"))
    source = models.CharField(
        _("信息来源"), max_length=12, choices=CensusSource.choices, default=CensusSource.REGISTER
    )
    surveyed_on = models.DateField(_("排查日期"))
    # Opened by the year-end handover from last term's snapshot; cleared once surveyed again.
    prefilled = models.BooleanField(_("沿用上学期，待核实"), default=False)
    unsupervised = models.BooleanField(Flag.UNSUPERVISED.label, default=False)
    dropout = models.BooleanField(Flag.DROPOUT.label, default=False)
    unregistered = models.BooleanField(Flag.UNREGISTERED.label, default=False)
    poverty = models.BooleanField(Flag.POVERTY.label, default=False)
    low_income = models.BooleanField(Flag.LOW_INCOME.label, default=False)
    single_parent = models.BooleanField(Flag.SINGLE_PARENT.label, default=False)
    disabled = models.BooleanField(Flag.DISABLED.label, default=False)
    psych_concern = models.BooleanField(Flag.PSYCH_CONCERN.label, default=False)
    # An entrusted guardian (委托监护人) able to care was on file at the census: the figure
    # 无委托监护人 counts the left-behind without one.
    guardian_able = models.BooleanField(_("有具备监护能力的委托监护人"), default=False)

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("学期摸底快照")
        verbose_name_plural = _("学期摸底快照")
        constraints = [
            models.UniqueConstraint(fields=["child", "term"], name="one_snapshot_per_term"),
        ]
        indexes = [models.Index(fields=["term", "school_class"])]


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("待确认")
    IMPORTED = "imported", _("已导入")


class CensusImport(models.Model):
    """An uploaded census sheet (登记造册) between its preview and its confirmation.

    The sheet holds ID numbers and phones, so it is kept encrypted, and only until it is
    imported: the record of the import (who, when, counts) stays, the content goes.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    term = models.ForeignKey("org.Term", verbose_name=_("学期"), on_delete=models.PROTECT)
    filename = models.CharField(_("文件名"), max_length=200)
    content = EncryptedTextField(_("文件内容"), blank=True, default="")
    status = models.CharField(
        _("状态"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    imported_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    counts = models.JSONField(_("结果统计"), default=dict, blank=True)

    class Meta:
        verbose_name = _("名册导入")
        verbose_name_plural = _("名册导入")
        ordering = ["-uploaded_at"]


class ChildTransfer(models.Model):
    """A child moved to a school in the same county (转学). The file follows the child; the old
    school keeps a read-only view of the history up to `on`."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="transfers")
    from_class = models.ForeignKey(
        "org.SchoolClass", verbose_name=_("原班级"), on_delete=models.PROTECT, related_name="+"
    )
    to_class = models.ForeignKey(
        "org.SchoolClass", verbose_name=_("转入班级"), on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField(_("转学日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    by = models.ForeignKey(
        "accounts.User", verbose_name=_("办理人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("转学记录")
        verbose_name_plural = _("转学记录")
        ordering = ["-on", "-id"]


class SchoolHandover(models.Model):
    """A school's year-end handover (学年交接, 篇十) from one term to the next, done once (unless
    undone). `changes` is the log in words; `moved` is what it moved, each row with the value it
    had, so that `handover_undo` can put every row back within the undo window."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("org.School", verbose_name=_("学校"), on_delete=models.PROTECT)
    from_term = models.ForeignKey(
        "org.Term", verbose_name=_("原学期"), on_delete=models.PROTECT, related_name="+"
    )
    to_term = models.ForeignKey(
        "org.Term", verbose_name=_("新学期"), on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True)
    # The day the handover counts from: graduates leave and unticked pairings end on it.
    on = models.DateField(_("交接日期"), null=True, blank=True)
    changes = models.JSONField(_("变更清单"), default=list)
    moved = models.JSONField(_("移动的记录"), default=dict, blank=True)
    undone_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    undone_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("学年交接")
        verbose_name_plural = _("学年交接")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "to_term"],
                condition=Q(undone_at__isnull=True),
                name="one_handover_per_term",
            ),
        ]
