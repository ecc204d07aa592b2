"""The unit a page is about: a region, a school or a class, named in one URL spelling,
`?scope=CODE` (a region's code prefix, a school's 10-digit code) or `?scope=class:ID`, and by
default the user's own scope node. Every page and command finds its node here; a node outside
the user's scope is a 404, and the refusal is logged (audit's middleware, `out_of_scope`)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from shouhu.core.forms import parse_id
from shouhu.core.scoping import in_scope
from shouhu.org.forms import node_params
from shouhu.org.models import LEVEL_OF_LENGTH, Region, RegionLevel, School, SchoolClass, full_code

Node = Region | School | SchoolClass

CLASS_PREFIX = "class:"
# The nation (a national instance's root, issue 18) has no prefix of its own: "00" names it.
NATION_CODE = "00"


def user_scope_node(user) -> Region | School | SchoolClass | None:
    if user.scope_class_id:
        return user.scope_class
    if user.scope_school_id:
        return user.scope_school
    if user.scope_region_id:
        return user.scope_region
    return None


def level_below(region: Region) -> RegionLevel:
    levels = list(RegionLevel)
    return levels[min(levels.index(RegionLevel(region.level)) + 1, len(levels) - 1)]


def node_code(node: Node) -> str:
    """The code that names a node in a URL: a region prefix, a school code, or class:ID."""
    if isinstance(node, Region):
        return node.prefix or NATION_CODE
    if isinstance(node, School):
        return node.code
    return f"{CLASS_PREFIX}{node.pk}"


def node_from_code(code: str) -> Node:
    """The node a code names (`node_code`): a region (2–12 digits, padded), a school (its
    10-digit code) or a class (class:ID); 404 when it names nothing."""
    code = code.strip()
    if code.startswith(CLASS_PREFIX):
        pk = parse_id(code.removeprefix(CLASS_PREFIX))
        found = SchoolClass.objects.select_related("school").filter(pk=pk).first() if pk else None
        if found is not None:
            return found
        raise Http404(code)
    if len(code) == 10:
        school = School.objects.select_related("region").filter(code=code).first()
        if school:
            return school
    if code.isdigit() and len(code) in LEVEL_OF_LENGTH:
        region = Region.objects.filter(code=full_code(code)).first()
        if region:
            return region
    raise Http404(code)


def node_for(user, code: str = "", *, perm: str | None = None, classes: bool = True) -> Node:
    """The node named by `code` (by default the user's own), checked against the user: 403 for
    a role without `perm`, 404 for a node unknown, outside the scope, or a class where the page
    has none (`classes=False`)."""
    if perm is not None and not user.has_perm_to(perm):
        raise PermissionDenied
    node = node_from_code(code) if code else user_scope_node(user)
    if node is None or (isinstance(node, SchoolClass) and not classes):
        raise Http404
    if not in_scope(user, node):
        raise OutOfScope(code)
    return node


class OutOfScope(Http404):
    """A node that exists but lies outside the user's scope: a 404 like any unknown one."""


def page_node(request, *, perm: str | None = None, classes: bool = True) -> Node:
    """The node of this page (`?scope=`), as `node_for`. A node outside the scope marks the
    request, so the refusal is logged as well as answered with a 404."""
    try:
        return node_for(request.user, node_params(request)["scope"], perm=perm, classes=classes)
    except OutOfScope:
        request.out_of_scope = True
        raise


def old_scope_query(request) -> str | None:
    """The query of an old link (`?class=ID`) in the one spelling (`?scope=class:ID`), or None
    when there is nothing to respell: the view redirects there. A malformed id is a 400."""
    old = node_params(request)["class"]
    if not old:
        return None
    query = request.GET.copy()
    del query["class"]
    query["scope"] = f"{CLASS_PREFIX}{old}"
    return query.urlencode()


def breadcrumbs(user, node: Node) -> list[Region | School]:
    """The node's ancestors up to the user's own node, top first, for drill-up links: nobody
    drills up past their own unit (a node reached otherwise, such as the school a village's
    children attend, has none)."""
    own = {
        Region: user.scope_region_id,
        School: user.scope_school_id,
    }
    crumbs: list[Region | School] = []
    current: Region | School | None = node.school if isinstance(node, SchoolClass) else node
    while current is not None:
        crumbs.append(current)
        if current.pk == own[type(current)]:
            return crumbs[::-1]
        current = current.region if isinstance(current, School) else current.parent
    return []


def unit_label(node: Node) -> str:
    """What a node's units one level down are called: a school's classes, a township's
    schools, a county's townships."""
    if isinstance(node, School):
        return _("班级")
    if isinstance(node, Region) and node.level in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
        return _("学校")
    if isinstance(node, Region):
        return str(level_below(node).label)
    return ""
