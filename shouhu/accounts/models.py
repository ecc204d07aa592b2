"""Accounts: every user has a role and a scope node of the tree."""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as AuthUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhu.core.crypto import EncryptedTextField
from shouhu.core.roles import Role, role_has
from shouhu.core.scoping import ScopedQuerySet, TreePath


class UserQuerySet(ScopedQuerySet):
    # An account is where its scope node is; a volunteer, where the children paired with them
    # are. Only a region's people see accounts (an administrator, a privacy officer).
    scope = TreePath(
        regions=(
            "scope_region__code",
            "scope_school__region__code",
            "scope_class__school__region__code",
            "pairings__child__school_class__school__region__code",
        ),
        many=True,
    )


class UserManager(AuthUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person who works with the children. The scope is one node: a region, a school or a class.

    A volunteer has no node: their scope is the children paired with them.
    """

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    display_name = models.CharField(_("姓名"), max_length=30, blank=True)
    phone = EncryptedTextField(_("电话"), blank=True, default="")
    scope_region = models.ForeignKey(
        "org.Region", verbose_name=_("管辖区划"), null=True, blank=True, on_delete=models.PROTECT
    )
    scope_school = models.ForeignKey(
        "org.School", verbose_name=_("所在学校"), null=True, blank=True, on_delete=models.PROTECT
    )
    scope_class = models.ForeignKey(
        "org.SchoolClass",
        verbose_name=_("所带班级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    # After an administrator's reset, or a new account, the password is a one-time code: it
    # works for one login before `password_expires_at`, and that login must set a new password
    # before anything else (shouhu.accounts.passwords).
    must_change_password = models.BooleanField(_("登录后须修改密码"), default=False)
    password_expires_at = models.DateTimeField(_("临时密码有效期至"), null=True, blank=True)
    # Who created the account in the application: a volunteer has no scope node, so until they
    # are paired the administrator who created them finds them by this.
    created_by = models.ForeignKey(
        "self",
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="at_most_one_scope_node",
                condition=(
                    Q(scope_region__isnull=True, scope_school__isnull=True)
                    | Q(scope_region__isnull=True, scope_class__isnull=True)
                    | Q(scope_school__isnull=True, scope_class__isnull=True)
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def has_perm_to(self, perm: str) -> bool:
        return self.is_active and role_has(self.role, perm)

    def clean(self) -> None:
        super().clean()
        nodes = [self.scope_region_id, self.scope_school_id, self.scope_class_id]
        if sum(n is not None for n in nodes) > 1:
            raise ValidationError(_("一个账号只能有一个管辖范围。"))
        if self.role != Role.VOLUNTEER and not any(nodes):
            raise ValidationError(_("请为该账号指定管辖范围（区划、学校或班级）。"))
