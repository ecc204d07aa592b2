"""Who sees and who sets each key-intervention flag (重点对象, 篇十四).

Most flags are part of the file: whoever sees the file sees them, whoever edits the file sets
them. 心理问题 (`psych_concern`) is counselling data: psychological notes are confidential
(domain README). It follows the `counselling` row of the role × field matrix
(`shouhu.core.visibility.MATRIX`, docs/privacy.md): the roles that see counselling see it, list
children by it, set it and clear it; for every other role it is not there, on the file, in the
list's filter, or in an export. Changing who sees counselling in the matrix changes all of these.
"""

from django.utils.translation import gettext as _

from shouhu.core.roles import Perm
from shouhu.core.scoping import may
from shouhu.core.visibility import ChildField, Visibility, visibility
from shouhu.registry.models import Flag

# The flags that are another field's data, and follow that field's row of the matrix.
FLAG_FIELD: dict[str, str] = {Flag.PSYCH_CONCERN: ChildField.COUNSELLING}


def flag_visible(user, flag: str) -> bool:
    """Whether `user` may see (and filter by) the flag on the files they see."""
    field = FLAG_FIELD.get(flag)
    return field is None or visibility(user, field) != Visibility.HIDDEN


def flags_visible_to(user) -> list[Flag]:
    return [flag for flag in Flag if flag_visible(user, flag)]


def flag_settable(user, flag: str) -> bool:
    """Whether `user` may set and clear the flag on a child in their scope: a flag that is
    counselling data by whoever sees counselling (the counsellor, who does not otherwise edit
    files), any other flag by whoever edits files."""
    if flag in FLAG_FIELD:
        return flag_visible(user, flag)
    return may(user, Perm.CHILD_EDIT)


def flag_hidden_message(flag: str) -> str:
    """The refusal of a filter on a flag the user may not see."""
    return _("您的角色看不到「%(flag)s」，不能按它筛选。") % {"flag": Flag(flag).label}
