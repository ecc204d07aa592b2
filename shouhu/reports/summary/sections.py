"""The register of section providers, and the summary built from them.

A provider is a function `(context) -> list[Part]` registered for one section with an order:

    @summary_part(MEASURES, order=40)
    def aid_measures(context): ...

Each app may keep its providers in a `summary_sections` module; `ReportsConfig.ready()`
imports them all (`autodiscover_modules`). A provider reads only through the figure functions
of its domain, with the context's user, node and term.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.org.models import Region, School, SchoolClass, Term
from shouhu.reports.models import SummaryDraft
from shouhu.reports.selectors import definitions, figures_cached
from shouhu.reports.selectors.base import previous_term
from shouhu.reports.summary.document import HEADINGS, PLANS, PROBLEMS, Document, Part, Section

SummaryNode = Region | School | SchoolClass


@dataclass
class SummaryContext:
    user: object
    node: SummaryNode
    term: Term
    previous: Term | None
    draft: SummaryDraft | None

    @property
    def is_rollup(self) -> bool:
        """A township's, county's or city's summary rolls up its schools."""
        return isinstance(self.node, Region)

    @property
    def is_class(self) -> bool:
        """A head teacher's class summary (篇一–五): the class's own children and work."""
        return isinstance(self.node, SchoolClass)


Provider = Callable[[SummaryContext], list[Part]]
PROVIDERS: list[tuple[str, int, str, Provider]] = []


def summary_part(section: str, *, order: int) -> Callable[[Provider], Provider]:
    if section not in HEADINGS:
        raise ValueError(f"unknown summary section {section!r}")

    def register(provider: Provider) -> Provider:
        name = f"{provider.__module__}.{provider.__qualname__}"
        if all(existing != name for _s, _o, existing, _p in PROVIDERS):
            PROVIDERS.append((section, order, name, provider))
        return provider

    return register


def _written(text: str) -> Part:
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    return Part(paragraphs=paragraphs or [_("（待填写）")])


def unit_name(node: SummaryNode) -> str:
    """The unit that signs the summary: a region's or school's name, a class with its school."""
    if isinstance(node, SchoolClass):
        return f"{node.school.name}{node.name}"
    return node.name


def default_title(node: SummaryNode, term: Term) -> str:
    return _("%(unit)s%(term)s关爱留守儿童工作总结") % {"unit": unit_name(node), "term": term}


def summary_build(user, *, node: SummaryNode, term: Term, draft: SummaryDraft | None) -> Document:
    """1. Ask every provider, section by section and in order, for its parts (the same figure
       functions for a class as for a school or a region, with the node as unit).
    2. Add the author's 存在问题 and 下步打算 from the draft.
    3. Gather the definitions of every figure quoted into the annex.

    A class is not compared with last term: after the year-end handover the class of the same
    name held another cohort (the census compares a class with its cohort, issue 11 point 5)."""
    with figures_cached():
        previous = None if isinstance(node, SchoolClass) else previous_term(term)
        context = SummaryContext(user=user, node=node, term=term, previous=previous, draft=draft)
        sections = []
        quoted: list[str] = []
        for key in HEADINGS:
            if key == PROBLEMS:
                parts = [_written(draft.problems if draft else "")]
            elif key == PLANS:
                parts = [_written(draft.plans if draft else "")]
            else:
                parts = []
                for _section, _order, _name, provider in sorted(
                    (p for p in PROVIDERS if p[0] == key), key=lambda p: (p[1], p[2])
                ):
                    parts += provider(context)
            for part in parts:
                quoted += part.figures
            sections.append(Section(key=key, parts=parts))
    return Document(
        title=(draft.title if draft and draft.title else "") or default_title(node, term),
        unit=unit_name(node),
        term_label=str(term),
        date=timezone.localdate(),
        preparer=str(user),
        sections=sections,
        annex=definitions(quoted),
    )
