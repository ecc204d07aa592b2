"""The reports' own parts of a work summary: the census (基本情况), the care work (主要做法,
取得成效) and, for a township, county or city, the schools it rolls up.

Every number is a figure function's value, formatted here and nowhere else.
"""

from django.utils.translation import gettext as _

from shouhu.registry.models import Flag, Sex
from shouhu.reports.charts import compliance_chart, trend_chart
from shouhu.reports.selectors import (
    AGE_BANDS,
    AGE_LABELS,
    LEFT_BEHIND_CATEGORIES,
    GroupEvent,
    by_age_band_for,
    by_category_for,
    by_flag_for,
    by_sex_for,
    care_actions_by_kind_for,
    census_trend_for,
    compliance_by_month_for,
    compliance_term_for,
    group_events_for,
    left_behind_civil_for,
    left_behind_education_for,
    pairing_coverage_for,
    pairs_formed_for,
    pupils_for,
    tasks_closed_for,
    tasks_escalated_for,
    tasks_open_for,
    tasks_overdue_for,
    tasks_raised_for,
    teachers_pairing_for,
    units_for,
    without_guardian_for,
    without_proxy_for,
)
from shouhu.reports.selectors.compliance import overall_of, units_compliance_term
from shouhu.reports.work_summary.context import SummaryContext, unit_name
from shouhu.reports.work_summary.document import Part, Table


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value}%"


def _people(counts) -> str:
    """父母双方外出1330人，一方外出116人"""
    return "，".join(_("%(label)s%(n)d人") % {"label": label, "n": n} for label, n in counts)


def month_day(day) -> str:
    return _("%(month)d月%(day)d日") % {"month": day.month, "day": day.day}


EVENTS_LISTED = 12  # more than this, and a summary counts them month by month


def _events(events: list[GroupEvent]) -> list[str]:
    """Each gathering with its date; or, for a township or county with many, their number per
    month and kind."""
    if len(events) <= EVENTS_LISTED:
        return [
            _("%(date)s，%(kind)s，参加儿童%(n)d人。")
            % {"date": month_day(e.done_on), "kind": e.label, "n": e.children}
            for e in events
        ]
    months: dict[tuple[int, int], dict[str, list[int]]] = {}
    for e in events:
        counts = months.setdefault((e.done_on.year, e.done_on.month), {})
        times = counts.setdefault(e.label, [0, 0])
        times[0] += 1
        times[1] += e.children
    return [
        _("%(year)d年%(month)d月：%(list)s。")
        % {
            "year": year,
            "month": month,
            "list": "，".join(
                _("%(kind)s%(n)d次（参加儿童%(children)d人次）")
                % {"kind": kind, "n": n, "children": children}
                for kind, (n, children) in counts.items()
            ),
        }
        for (year, month), counts in sorted(months.items())
    ]


def _change(now: int | float, before: int | float, unit: str) -> str:
    if now > before:
        return _("增加%(n)s%(unit)s") % {"n": round(now - before, 1), "unit": unit}
    if now < before:
        return _("减少%(n)s%(unit)s") % {"n": round(before - now, 1), "unit": unit}
    return _("持平")


def census_basics(context: SummaryContext) -> list[Part]:
    user, node, term = context.user, context.node, context.term
    pupils = pupils_for(user, node=node, term=term)
    education = left_behind_education_for(user, node=node, term=term)
    civil = left_behind_civil_for(user, node=node, term=term)
    paragraphs = [
        _(
            "%(term)s，%(unit)s共有在校学生%(pupils)d人，其中留守儿童（教育部门口径）"
            "%(education)d人，占在校学生总数的%(pe)s；农村留守儿童（民政部门口径）%(civil)d人，"
            "占%(pc)s。"
        )
        % {
            "term": term,
            "unit": unit_name(node),
            "pupils": pupils,
            "education": education.count,
            "pe": pct(education.percent),
            "civil": civil.count,
            "pc": pct(civil.percent),
        }
    ]
    if context.previous:
        before = left_behind_education_for(user, node=node, term=context.previous)
        paragraphs.append(
            _("上学期留守儿童（教育部门口径）%(n)d人，占%(p)s；本学期%(change)s。")
            % {
                "n": before.count,
                "p": pct(before.percent),
                "change": _change(education.count, before.count, _("人")),
            }
        )
    categories = by_category_for(user, node=node, term=term)
    sexes = by_sex_for(user, node=node, term=term)
    bands = by_age_band_for(user, node=node, term=term)
    paragraphs.append(
        _("按类别：%(categories)s。按性别：%(sexes)s。按年龄：%(bands)s。")
        % {
            "categories": _people([(c.label, categories[c]) for c in LEFT_BEHIND_CATEGORIES]),
            "sexes": _people([(s.label, sexes[s]) for s in Sex]),
            "bands": _people([(AGE_LABELS[b], bands[b]) for b in AGE_BANDS]),
        }
    )
    flags = by_flag_for(user, node=node, term=term)
    paragraphs.append(
        _("重点对象：%(flags)s。留守儿童中无委托监护人%(guardian)d人，无代理家长%(proxy)d人。")
        % {
            "flags": _people([(f.label, flags[f]) for f in Flag]),
            "guardian": without_guardian_for(user, node=node, term=term),
            "proxy": without_proxy_for(user, node=node, term=term),
        }
    )
    return [
        Part(
            paragraphs=paragraphs,
            chart=trend_chart(census_trend_for(user, node=node, term=term)),
            figures=[
                "pupils",
                "left_behind_education",
                "left_behind_civil",
                "by_category",
                "by_sex",
                "by_age_band",
                "by_flag",
                "without_guardian",
                "without_proxy",
                "census_trend",
            ],
        )
    ]


def care_measures(context: SummaryContext) -> list[Part]:
    user, node, term = context.user, context.node, context.term
    coverage = pairing_coverage_for(user, node=node, term=term)
    sentence = _(
        "本学期新结对%(formed)d对。需要代理家长的儿童%(needing)d人，已落实代理家长"
        "%(paired)d人，覆盖率%(pc)s"
    ) % {
        "formed": pairs_formed_for(user, node=node, term=term),
        "needing": coverage.whole,
        "paired": coverage.count,
        "pc": pct(coverage.percent),
    }
    figures = ["pairs_formed", "pairing_coverage"]
    if context.is_class:
        # A class has no teachers of its own: the school's would be quoted as the class's.
        sentence += "。"
    else:
        teachers = teachers_pairing_for(user, node=node, term=term)
        sentence += _("；%(teachers)d名教师中%(carers)d人担任代理家长。") % {
            "teachers": teachers.whole,
            "carers": teachers.count,
        }
        figures.append("teachers_pairing")
    pairing = Part(title=_("结对帮扶"), paragraphs=[sentence], figures=figures)
    actions = care_actions_by_kind_for(user, node=node, term=term)
    counted = "；".join(
        _("%(kind)s%(actions)d次（涉及儿童%(times)d人次）")
        % {"kind": a.label, "actions": a.actions, "times": a.person_times}
        for a in actions
    )
    work = Part(
        title=_("关爱活动"),
        paragraphs=[
            _("本学期共记录关爱活动：%(list)s。") % {"list": counted}
            if actions
            else _("本学期尚未记录关爱活动。")
        ],
        figures=["care_actions_by_kind"],
    )
    events = group_events_for(user, node=node, term=term)
    gatherings = Part(
        title=_("座谈会、培训和体检"),
        items=_events(events) or [_("本学期尚未记录。")],
        figures=["group_events"],
    )
    raised = tasks_raised_for(user, node=node, term=term)
    signals = Part(
        title=_("五必访"),
        paragraphs=[
            _(
                "教师发现情绪不好、身体不佳、成绩下降、迟到早退、与同学争吵等信号后及时登记，"
                "本学期共产生家访任务%(n)d件。"
            )
            % {"n": raised}
        ],
        figures=["tasks_raised"],
    )
    return [pairing, work, gatherings, signals]


def care_results(context: SummaryContext) -> list[Part]:
    user, node, term = context.user, context.node, context.term
    quotas = compliance_term_for(user, node=node, term=term)
    compliance = Part(
        title=_("关爱要求完成情况"),
        paragraphs=[
            "；".join(
                # A quota whose period still runs is so far, not owed and missed.
                _("%(kind)s截至目前已完成%(done)d人次（还剩%(days)d天）")
                % {"kind": q.label, "done": q.done, "days": q.days_left}
                if q.in_progress
                else _("%(kind)s应完成%(owed)d人次，已完成%(done)d人次，完成率%(p)s")
                % {"kind": q.label, "owed": q.owed, "done": q.done, "p": pct(q.percent)}
                for q in quotas
            )
            + "。"
            if quotas
            else _("本学期没有需要完成的关爱要求。")
        ],
        chart=compliance_chart(compliance_by_month_for(user, node=node, term=term)),
        figures=["compliance_term", "compliance_by_month"],
    )
    closed = tasks_closed_for(user, node=node, term=term)
    tasks = Part(
        title=_("家访任务"),
        paragraphs=[
            _(
                "本学期完成家访任务%(closed)d件，其中按时完成%(on_time)d件（%(p)s）；目前尚未完成"
                "%(open)d件，其中逾期%(overdue)d件；逾期升级%(escalated)d件。"
            )
            % {
                "closed": closed.whole,
                "on_time": closed.count,
                "p": pct(closed.percent),
                "open": tasks_open_for(user, node=node, term=term),
                "overdue": tasks_overdue_for(user, node=node, term=term),
                "escalated": tasks_escalated_for(user, node=node, term=term),
            }
        ],
        figures=["tasks_closed", "tasks_open", "tasks_overdue", "tasks_escalated"],
    )
    parts = [compliance, tasks]
    if context.previous:
        before = context.previous
        edu_now = left_behind_education_for(user, node=node, term=term)
        edu_then = left_behind_education_for(user, node=node, term=before)
        cov_now = pairing_coverage_for(user, node=node, term=term)
        cov_then = pairing_coverage_for(user, node=node, term=before)
        comp_now = overall_of(quotas)
        comp_then = overall_of(compliance_term_for(user, node=node, term=before))
        sentences = [
            _("留守儿童%(now)d人，上学期%(then)d人，%(change)s")
            % {
                "now": edu_now.count,
                "then": edu_then.count,
                "change": _change(edu_now.count, edu_then.count, _("人")),
            }
        ]
        for label, now, then in (
            (_("代理家长结对覆盖率"), cov_now.percent, cov_then.percent),
            (_("关爱要求完成率"), comp_now.percent, comp_then.percent),
        ):
            if now is not None and then is not None:
                sentences.append(
                    _("%(label)s%(now)s，上学期%(then)s，%(change)s")
                    % {
                        "label": label,
                        "now": pct(now),
                        "then": pct(then),
                        "change": _change(now, then, _("个百分点")),
                    }
                )
        parts.append(
            Part(
                title=_("与上学期相比"),
                paragraphs=["；".join(sentences) + "。"],
                figures=["left_behind_education", "pairing_coverage", "compliance_term"],
            )
        )
    return parts


def schools_rollup(context: SummaryContext) -> list[Part]:
    """A township's, county's or city's schools, by compliance over the term, each quoted."""
    if not context.is_rollup:
        return []
    user, node, term = context.user, context.node, context.term
    units = units_for(user, node=node, term=term, by_school=True)
    compliance = units_compliance_term(user, node=node, term=term, by_school=True)
    rows = []
    for unit in units:
        share = overall_of(compliance.get(unit.code, []))
        rows.append((share.percent, unit))
    rows.sort(key=lambda r: (r[0] is None, -(r[0] or 0), r[1].name))
    table = Table(
        headers=[
            _("序号"),
            _("学校"),
            _("留守儿童"),
            _("占比"),
            _("结对覆盖率"),
            _("关爱要求完成率"),
            _("完成家访任务"),
            _("逾期家访任务"),
        ],
        rows=[
            [
                str(n),
                unit.name,
                str(unit.census.left_behind_education),
                pct(unit.census.percent_education),
                pct(unit.coverage_percent),
                pct(percent),
                str(unit.care.tasks.closed),
                str(unit.care.tasks.overdue),
            ]
            for n, (percent, unit) in enumerate(rows, start=1)
        ],
    )
    paragraphs = [
        _("全%(unit)s共%(n)d所学校，按本学期关爱要求完成率从高到低排列如下。")
        % {"unit": node.name, "n": len(rows)}
    ]
    ranked = [(p, u) for p, u in rows if p is not None]
    if len(ranked) >= 2:
        paragraphs.append(
            _("完成率最高的是%(top)s（%(tp)s），最低的是%(low)s（%(lp)s）。")
            % {
                "top": ranked[0][1].name,
                "tp": pct(ranked[0][0]),
                "low": ranked[-1][1].name,
                "lp": pct(ranked[-1][0]),
            }
        )
    return [
        Part(
            title=_("各校情况"),
            paragraphs=paragraphs,
            table=table,
            figures=["units", "compliance_term"],
        )
    ]
