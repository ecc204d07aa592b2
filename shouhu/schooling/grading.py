"""The pure rules of grades: which subjects a grade takes by default, a score's parse and range,
a child's place in the class, and what "improved" means. No database here.

"Improved" (进步) is one documented rule (篇九 "over 90% of left-behind children improved"): a
child improved when their class-rank percentile rose from last term's final exam to this term's
latest exam (the final once entered, the mid-term before). The percentile of a child is the share
of the classmates who sat the same exam with a lower average score rate (a tie counts half); the
average score rate is the mean, over the subjects the child sat, of score ÷ full mark. A child
who kept the same place, the top place included, did not improve.
"""

import bisect
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhu.org.models import Grade
from shouhu.schooling.models.grades import Subject

S = Subject
_PRIMARY_LOW = (S.CHINESE, S.MATHS, S.MORALITY)
_PRIMARY = (S.CHINESE, S.MATHS, S.ENGLISH, S.SCIENCE, S.MORALITY)
_JUNIOR = (S.CHINESE, S.MATHS, S.ENGLISH, S.MORALITY, S.HISTORY, S.GEOGRAPHY, S.BIOLOGY)

# The subjects of the national curriculum by grade (English and science from 三年级; physics
# from 八年级 and chemistry in 九年级); a school changes its classes' own list.
DEFAULT_SUBJECTS: dict[int, tuple[str, ...]] = {
    Grade.G1: _PRIMARY_LOW,
    Grade.G2: _PRIMARY_LOW,
    Grade.G3: _PRIMARY,
    Grade.G4: _PRIMARY,
    Grade.G5: _PRIMARY,
    Grade.G6: _PRIMARY,
    Grade.G7: _JUNIOR,
    Grade.G8: (*_JUNIOR, S.PHYSICS),
    Grade.G9: (*_JUNIOR, S.PHYSICS, S.CHEMISTRY),
}

IMPROVED_DEFINITION = gettext_lazy(
    "本范围内本学期摸底的留守儿童（教育部门口径）中，上学期期末与本学期最近一次考试（期末已录入"
    "则为期末，否则为期中）都有成绩者，班级百分位名次上升的比例。百分位名次：同班参加同一次考试的"
    "同学中平均得分率（各科成绩÷满分的平均）低于本人的比例（并列计一半）；名次不变（含保持第一）"
    "不计为进步。"
)


def default_subjects(grade: int) -> tuple[str, ...]:
    return DEFAULT_SUBJECTS.get(grade, _PRIMARY)


def subject_of(text: object) -> str | None:
    """A subject from a header or a form: its code or its Chinese name (思想品德 and 品德 are
    the older names of 道德与法治)."""
    if text is None:
        return None
    value = str(text).strip().replace(" ", "").replace("\u3000", "")
    if value in Subject.values:
        return value
    aliases = {"思想品德": S.MORALITY, "品德": S.MORALITY, "道法": S.MORALITY}
    if value in aliases:
        return aliases[value]
    for subject in Subject:
        if value == str(subject.label):
            return subject.value
    return None


class ScoreError(ValueError):
    """A score that cannot be stored, with the reason in Chinese."""


def parse_score(value: object, *, full_mark: int) -> Decimal | None:
    """A score from a cell or a form field: blank is None (not entered); a number from 0 to the
    full mark, at most one decimal place; anything else is refused with the reason."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ScoreError(_("成绩应为数字。"))
    text = str(value).strip().translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    if text == "":
        return None
    try:
        score = Decimal(text)
    except InvalidOperation as exc:
        raise ScoreError(_("成绩应为数字，而不是“%(v)s”。") % {"v": text[:20]}) from exc
    if not score.is_finite():
        raise ScoreError(_("成绩应为数字。"))
    if score < 0 or score > full_mark:
        raise ScoreError(
            _("成绩%(v)s超出范围：应在0到满分%(full)d之间。") % {"v": text, "full": full_mark}
        )
    if score != score.quantize(Decimal("0.1")):
        raise ScoreError(_("成绩最多保留一位小数。"))
    return score.quantize(Decimal("0.1"))


def percentiles(rates: dict[int, float]) -> dict[int, float]:
    """Each child's class-rank percentile among those who sat the exam: the share of the others
    with a lower rate, a tie counting half (one child alone: 0.5)."""
    ordered = sorted(rates.values())
    n = len(ordered)
    found: dict[int, float] = {}
    if n == 1:
        return {key: 0.5 for key in rates}
    for key, rate in rates.items():
        below = bisect.bisect_left(ordered, rate)
        equal = bisect.bisect_right(ordered, rate) - below - 1
        found[key] = (below + equal / 2) / (n - 1)
    return found


@dataclass(frozen=True)
class Progress:
    """A child's place in the class at two exams (percentiles from 0 to 1)."""

    before: float
    after: float

    @property
    def improved(self) -> bool:
        return self.after > self.before + 1e-9

    @property
    def change_points(self) -> int:
        """The change in percentile points, rounded (+12: twelve points higher)."""
        return round((self.after - self.before) * 100)
