"""The exports that run as jobs (issue 17, "Long exports and summaries"): each declared by the
app that owns it in its `jobs` module, like the duties:

    @export_kind(name="reports.workbook", perm=Perm.REPORT_LEAD)
    def workbook(user, params: dict, progress: Progress) -> ExportFile: ...

`make` runs in the worker as the user who asked (their scope and permissions, re-read then), with
the parameters of the request (a node code, a term code, …), and reports its progress as it
goes. It raises PermissionDenied or Http404 as the page would; the run then fails with a message
the user can read.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


Progress = Callable[[float, str], None]  # (fraction done 0–1, the step now, in Chinese)
Make = Callable[..., ExportFile]


@dataclass(frozen=True)
class ExportKind:
    name: str
    perm: str
    make: Make


_KINDS: dict[str, ExportKind] = {}


def export_kind(*, name: str, perm: str) -> Callable[[Make], Make]:
    def register(make: Make) -> Make:
        existing = _KINDS.get(name)
        if existing is not None and existing.make is not make:
            raise ValueError(f"two exports are named {name}")
        _KINDS[name] = ExportKind(name=name, perm=perm, make=make)
        return make

    return register


def export_kind_get(name: str) -> ExportKind | None:
    return _KINDS.get(name)
