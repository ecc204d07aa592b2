"""The quotas in force (三个一, 篇十): the system default, then each region down the tree, then
the school; a lower level may tighten a rule but never loosen it (rules.quota_effective)."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from shouhu.care.models import (
    Quota,
)
from shouhu.care.rules import (
    DEFAULT_QUOTAS,
    DEFAULT_SOURCE,
    QuotaRule,
    TermDates,
    quota_effective,
)
from shouhu.org.models import PREFIX_LENGTH, Region, School, Term, full_code


def terms_dates() -> list[TermDates]:
    return [
        TermDates(code=t.code, starts_on=t.starts_on, ends_on=t.ends_on, label=str(t))
        for t in Term.objects.order_by("starts_on")
    ]


def region_chain(code: str) -> list[str]:
    """The full codes of a region and its ancestors, from the province down (the nation of a
    national instance, which holds no care work, sets no quota)."""
    lengths = sorted(n for n in PREFIX_LENGTH.values() if n)
    return [full_code(code[:n]) for n in lengths if code[n:].strip("0")] + [code]


def _rule(quota: Quota, source: str) -> QuotaRule:
    return QuotaRule(kind=quota.kind, period=quota.period, minimum=quota.minimum, source=source)


def quota_levels(*, region_code: str, school: School | None = None) -> list[list[QuotaRule]]:
    """The quota rules from the system default down to a region or school, one list per level."""
    chain = region_chain(region_code)
    names = dict(Region.objects.filter(code__in=chain).values_list("code", "name"))
    rows: dict[str, list[Quota]] = defaultdict(list)
    mine = Q(region_id__in=chain) | (Q(school=school) if school is not None else Q(pk__in=[]))
    for quota in Quota.objects.filter(mine):
        rows[quota.region_id or ""].append(quota)
    levels = [[QuotaRule(r.kind, r.period, r.minimum, str(DEFAULT_SOURCE)) for r in DEFAULT_QUOTAS]]
    levels += [[_rule(q, names.get(code, code)) for q in rows[code]] for code in chain]
    if school is not None:
        levels.append([_rule(q, school.name) for q in rows[""]])
    return levels


def effective_quotas(school_ids: Iterable[int | School]) -> dict[int, dict[str, QuotaRule]]:
    """The rules in force at each school: two queries, whatever the number of schools; one when
    the schools are given already read."""
    given = list(school_ids)
    schools = [s for s in given if isinstance(s, School)]
    ids = [s for s in given if not isinstance(s, School)]
    if ids:
        schools += School.objects.filter(pk__in=ids)
    chains = {s.pk: region_chain(s.region_id) for s in schools}
    codes = {code for chain in chains.values() for code in chain}
    by_region: dict[str, list[QuotaRule]] = defaultdict(list)
    by_school: dict[int, list[QuotaRule]] = defaultdict(list)
    for quota in Quota.objects.filter(Q(region_id__in=codes) | Q(school__in=schools)):
        if quota.school_id is not None:
            by_school[quota.school_id].append(_rule(quota, ""))
        elif quota.region_id is not None:
            by_region[quota.region_id].append(_rule(quota, ""))
    defaults = list(DEFAULT_QUOTAS)
    return {
        s.pk: quota_effective(
            [defaults, *(by_region[code] for code in chains[s.pk]), by_school[s.pk]]
        )
        for s in schools
    }
