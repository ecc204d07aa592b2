"""Row-level access: the one place that decides which rows a user may see (NetBox's `restrict`).

Every scoped model's queryset is a `ScopedQuerySet` that declares once, as `scope`, how its rows
reach the tree: a child through its class and its home region, a census row or a care record
through its child, a school through its region and the children who attend it, an account through
its scope node. `Model.objects.restrict(user, action)` is every read's first step; a row outside
it is a 404 in views, never a 403: an outsider must not learn that it exists.

The rule, for every model alike:

- a head teacher (a class) sees the rows of their class; a school's people, of their school;
- an officer, supervisor or administrator (a region) sees the rows under their region, and the
  children whose home region lies there (a village's children attend the township's school), so
  the classes and schools those children attend are in their scope too;
- a volunteer sees the children currently paired with them, through the user's own pairings
  (the reverse relation: this module imports no app);
- the server operator (the `shouhu` commands run without `--as`) acts for the whole server: its
  scope is the whole tree and it holds every permission.

This module imports nothing of the apps: a model's path is a string of lookups.
"""

from dataclasses import dataclass, replace
from typing import Self

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, models
from django.db.models import F, Lookup, Q
from django.utils import timezone

from shouhu.core.roles import Role

NOTHING = Q(pk__in=[])
EVERYTHING = Q()


def subtree_range(prefix: str) -> tuple[str, str]:
    """The codes under a prefix form one range, which a plain index serves on every database."""
    return prefix.ljust(12, "0"), prefix.ljust(12, "9")


# The shortest region prefix whose subtree is a small part of a province (a city's): above it (a
# province's officer) the region holds nearly every row, and a scan is the way to read them.
INDEXED_PREFIX_MIN = 4


class InArray(Lookup):
    """`column = ANY(ARRAY(subquery))`: unlike `IN (subquery)` beside an OR, an index condition
    (PostgreSQL ORs it with the other path's index in a BitmapOr)."""

    lookup_name = "in_array"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def region_q(model, path: str, prefix: str) -> Q:
    """Rows whose `path` (lookups ending at a 12-digit region code) lies under `prefix`.

    A path that crosses two joins beyond a foreign key (a child's class's school's region) is,
    on PostgreSQL, written as that foreign key's column against the ids of the rows it may point
    at (the classes under the region): a condition on the model's own column, which its index
    serves, where the join would read every row of the model (every child of the province for
    a county's officer). Same rows either way; a province's subtree (nearly every row) keeps
    the join, as does every other database."""
    low_high = subtree_range(prefix)
    plain = Q(**{f"{path}__range": low_high})
    parts = path.split("__")
    if connection.vendor != "postgresql" or len(parts) < 4 or len(prefix) < INDEXED_PREFIX_MIN:
        return plain
    column, rest = parts[:-3], "__".join(parts[-3:])
    target = model
    for name in column:
        field = target._meta.get_field(name)
        if not (field.many_to_one and field.concrete):
            return plain  # a reverse or many-valued step: no column to hold against ids
        target = field.related_model
    ids = target._default_manager.filter(**{f"{rest}__range": low_high}).order_by().values("pk")
    return Q(InArray(F("__".join(column)), ArraySubquery(ids)))


def is_server_operator(user) -> bool:
    """The `shouhu` commands' operator (an in-memory attribute, set only by `operator_actor`)."""
    return bool(getattr(user, "server_operator", False))


def may(user, perm: str | None) -> bool:
    """Does the user hold the permission (None: any signed-in user)?"""
    if is_server_operator(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return perm is None or user.has_perm_to(perm)


class Scope:
    """How a model's rows reach the tree. `q(model, user)` is the rows the user may see."""

    perm: str | None = None  # what a user must hold to see any row at all

    def q(self, model, user) -> Q:
        if is_server_operator(user):
            return EVERYTHING
        if not may(user, self.perm):
            return NOTHING
        return self.rows(model, user)

    def rows(self, model, user) -> Q:
        raise NotImplementedError


@dataclass(frozen=True)
class TreePath(Scope):
    """Lookups from the model to the tree. `regions` lead to 12-digit region codes (a class's
    school's region, a child's home region), `school` to a school's id, `school_class` to a
    class's id and `child` to a child's id (a volunteer's pairing). A user scoped at a level
    whose path is empty sees none of the rows."""

    regions: tuple[str, ...] = ()
    school: str = ""
    school_class: str = ""
    child: str = ""
    perm: str | None = None
    own: str = ""  # the user's attribute naming their own node of this model (no query needed)
    many: bool = False  # a path crosses a many-valued relation: rows are matched by id

    def via(self, prefix: str) -> "TreePath":
        """The same path from a model that reaches this one through `prefix` (e.g. "child__")."""
        return replace(
            self,
            regions=tuple(prefix + r for r in self.regions),
            school=prefix + self.school if self.school else "",
            school_class=prefix + self.school_class if self.school_class else "",
            child=prefix + self.child if self.child else "",
        )

    def rows(self, model, user) -> Q:
        if user.role == Role.VOLUNTEER:
            if not self.child:
                return NOTHING
            paired = user.pairings.current(timezone.localdate()).values("child_id")
            return Q(**{f"{self.child}__in": paired})
        if user.scope_class_id:
            return Q(**{self.school_class: user.scope_class_id}) if self.school_class else NOTHING
        if user.scope_school_id:
            return Q(**{self.school: user.scope_school_id}) if self.school else NOTHING
        if user.scope_region_id:
            prefix = user.scope_region.prefix
            found = NOTHING
            if self.many and len(self.regions) > 1:
                for path in self.regions:
                    # Each path as ids of its own: one OR over the joined rows would read every
                    # row of the relation (a county's classes: every child of the province).
                    ids = model._default_manager.filter(region_q(model, path, prefix))
                    found |= Q(pk__in=ids.values("pk"))
                return found
            # The plain ranges first: PostgreSQL tries an OR's arms in order, and a row that a
            # range decides (a child living in the region) is not looked up in the ids' array.
            conditions = [region_q(model, path, prefix) for path in self.regions]
            for condition in sorted(conditions, key=lambda q: isinstance(q.children[0], InArray)):
                found |= condition
            return found
        return NOTHING


@dataclass(frozen=True)
class Via(Scope):
    """Rows that belong to a row of another scoped model (a census row to its child): that
    model's scope, reached through the foreign key `field`. With `subquery`, as `field IN (the
    other model's rows)`, for a scope that crosses a many-valued relation."""

    field: str
    subquery: bool = False

    def rows(self, model, user) -> Q:
        other = model._meta.get_field(self.field).related_model._default_manager
        if self.subquery:
            return Q(**{f"{self.field}__in": other.restrict(user).values("pk")})
        path = other.all().scope
        if not isinstance(path, TreePath):
            raise TypeError(f"{model.__name__}.{self.field} leads to a scope without a path")
        return path.via(f"{self.field}__").q(model, user)


@dataclass(frozen=True)
class AnyOf(Scope):
    """Rows seen through either of several paths, each for the rows a condition picks (an
    access-log row about a child through the child, one without through its user)."""

    cases: tuple[tuple[Q, Via], ...]

    def rows(self, model, user) -> Q:
        found = NOTHING
        for condition, via in self.cases:
            found |= condition & via.q(model, user)
        return found


class ScopedQuerySet(models.QuerySet):
    """A queryset whose model declares its path to the tree once, as `scope`."""

    scope: Scope = TreePath()

    def restrict(self, user, action: str | None = None) -> Self:
        """The rows the user may see; none without the permission `action` (a `Perm`), when
        one is named, or without the model's own."""
        if not may(user, action):
            return self.none()
        rows = self.scope.q(self.model, user)
        if getattr(self.scope, "many", False):
            return self.filter(pk__in=self.model._default_manager.filter(rows).values("pk"))
        return self.filter(rows)


class ChildRowQuerySet(ScopedQuerySet):
    """Rows about one child (a census row, a flag, a care record): the child's scope."""

    scope = Via("child")


def in_scope(user, obj, action: str | None = None) -> bool:
    """Is this row (a node, a child, …) inside the user's scope? The user's own node is,
    without asking the database."""
    if obj is None or obj.pk is None:
        return False
    manager = type(obj)._default_manager
    scope = manager.all().scope
    own = getattr(scope, "own", "")
    if own and getattr(user, own, None) == obj.pk and may(user, action) and may(user, scope.perm):
        return True
    if isinstance(scope, TreePath) and scope.many and len(scope.regions) > 1 and may(user, action):
        # A node under the user's region is in scope by its own region: ask that first, without
        # joining every pupil for the home-region path (a subset of the rows, so exact).
        direct = replace(scope, regions=scope.regions[:1], many=False)
        if manager.filter(direct.q(type(obj), user), pk=obj.pk).exists():
            return True
    return manager.restrict(user, action).filter(pk=obj.pk).exists()
