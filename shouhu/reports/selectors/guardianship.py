"""Figures of guardianship (监护, 篇十一, 篇十四) for a node and a term: agreements signed,
guardians trained, children without household registration still open, and the 无人监护
children still missing a guardian or a signed agreement. Counted by welfare's selectors over
the user's scope; each read on the term's reference day (today while it runs: so far)."""

from django.utils.translation import gettext_lazy as _

from shouhu.core.roles import Perm
from shouhu.org.models import Term
from shouhu.reports.selectors.base import (
    Node,
    Share,
    cached,
    check_node,
    figure,
    node_key,
    reference_day,
)
from shouhu.welfare.models.guardianship import Commendation
from shouhu.welfare.selectors.guardianship import (
    agreements_signed_counts,
    commendations_for,
    training_totals,
    unregistered_open_count,
    unsupervised_missing_count,
)


@figure(
    "agreements_signed_share",
    _("委托监护责任确认书签订率"),
    _(
        "名册内由委托监护人照料或标记为无人监护的儿童中，持有已签署且在有效期内的"
        "委托监护责任确认书的比例；以学期内的当天（学期已结束则为最后一天）为准。"
    ),
)
def agreements_signed_share_for(user, *, node: Node, term: Term) -> Share:
    check_node(user, node, Perm.CENSUS_VIEW)
    day = reference_day(term)
    signed, whole = cached(
        ("agreements_signed", id(user), node_key(node), day),
        lambda: agreements_signed_counts(user, node=node, day=day),
    )
    return Share(count=signed, whole=whole)


@figure(
    "guardians_trained",
    _("委托监护人参加培训比例"),
    _(
        "名册内登记了委托监护人的儿童中，其监护人本学期至少参加一次隔代家长培训"
        "（家长学校）的比例；学期未结束时为截至目前。"
    ),
)
def guardians_trained_for(user, *, node: Node, term: Term) -> Share:
    check_node(user, node, Perm.CENSUS_VIEW)
    totals = cached(
        ("guardians_trained", id(user), node_key(node), term.pk),
        lambda: training_totals(user, node=node, term=term),
    )
    return Share(count=totals.trained, whole=totals.guardians)


@figure(
    "unregistered_open",
    _("无户籍儿童未落户"),
    _("名册内仍带有“无户籍”标记的儿童人数（已报告派出所尚未落户的，和尚未报告的）。"),
)
def unregistered_open_for(user, *, node: Node, term: Term) -> int:
    check_node(user, node, Perm.CENSUS_VIEW)
    return unregistered_open_count(user, node=node, day=reference_day(term))


@figure(
    "unsupervised_agreement_missing",
    _("无人监护儿童尚缺监护人或确认书"),
    _("名册内标记为无人监护的儿童中，尚未登记委托监护人或没有已签署且有效的确认书的人数。"),
)
def unsupervised_agreement_missing_for(user, *, node: Node, term: Term) -> int:
    check_node(user, node, Perm.CENSUS_VIEW)
    return unsupervised_missing_count(user, node=node, day=reference_day(term))


def commendations_read(user, *, node: Node, term: Term) -> list[Commendation]:
    """The term's 优秀家长 under the node, for the summary's list (not a figure: names)."""
    check_node(user, node, Perm.CENSUS_VIEW)
    return cached(
        ("commendations", id(user), node_key(node), term.pk),
        lambda: commendations_for(user, node=node, term=term),
    )
