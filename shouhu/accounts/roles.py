"""Roles (domain README, "Who uses it") and what each may do.

A permission answers "may this role do this kind of thing at all" (403 when not). Which rows
it may do it to is the scope's business (`visible_to`, 404 when outside).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    REGION_OFFICER = "region_officer", _("县市民政·教育部门")
    TOWNSHIP_OFFICER = "township_officer", _("乡镇教管中心·儿童主任")
    VILLAGE_SUPERVISOR = "village_supervisor", _("村儿童福利督导员")
    SCHOOL_LEADER = "school_leader", _("学校领导")
    HEAD_TEACHER = "head_teacher", _("班主任")
    TEACHER = "teacher", _("任课教师·代理家长")
    COUNSELLOR = "counsellor", _("心理辅导教师")
    VOLUNTEER = "volunteer", _("志愿者")
    PRIVACY_OFFICER = "privacy_officer", _("个人信息保护负责人")


class Perm(models.TextChoices):
    CHILD_VIEW = "child_view", _("查看儿童档案")
    CHILD_EDIT = "child_edit", _("登记和修改儿童档案")
    CHILD_FULL_ID = "child_full_id", _("查看完整身份证号")
    CONTACT_CARD = "contact_card", _("打印联系卡")
    CENSUS_VIEW = "census_view", _("查看摸底统计")
    ORG_MANAGE = "org_manage", _("管理区划、学校、班级和学期")


_ALL_READERS = {Perm.CHILD_VIEW, Perm.CONTACT_CARD, Perm.CENSUS_VIEW}

ROLE_PERMS: dict[str, frozenset[str]] = {
    # The administrator runs accounts and the tree; least privilege keeps children's files out.
    Role.ADMIN: frozenset({Perm.ORG_MANAGE}),
    Role.REGION_OFFICER: frozenset(_ALL_READERS),
    Role.TOWNSHIP_OFFICER: frozenset(_ALL_READERS),
    Role.VILLAGE_SUPERVISOR: frozenset(_ALL_READERS),
    Role.SCHOOL_LEADER: frozenset(_ALL_READERS | {Perm.CHILD_EDIT, Perm.CHILD_FULL_ID}),
    Role.HEAD_TEACHER: frozenset(_ALL_READERS | {Perm.CHILD_EDIT, Perm.CHILD_FULL_ID}),
    Role.TEACHER: frozenset({Perm.CHILD_VIEW, Perm.CONTACT_CARD, Perm.CENSUS_VIEW}),
    Role.COUNSELLOR: frozenset({Perm.CHILD_VIEW, Perm.CONTACT_CARD, Perm.CENSUS_VIEW}),
    Role.VOLUNTEER: frozenset({Perm.CHILD_VIEW, Perm.CONTACT_CARD}),
    Role.PRIVACY_OFFICER: frozenset({Perm.CHILD_VIEW, Perm.CENSUS_VIEW, Perm.CHILD_FULL_ID}),
}


def role_has(role: str, perm: str) -> bool:
    return perm in ROLE_PERMS.get(role, frozenset())
