"""A synthetic province (`shouhu synth` at province size): 20 prefecture-level cities (地级市),
each with counties of about 20,000 children drawn by `demo.synth.synthetic_layout`.

`province_layout(children=…, seed=…)` is a pure function. The first county is the demo's
万源市 (511781, in 达州市), drawn with the plain synth's seed, so that the province's first
county is the county `shouhu synth` draws for the same size; the others get their own 6-digit
codes under their city (city code + 21…, as counties are numbered) and their own seed.
`demo.province_load` writes it on PostgreSQL.
"""

import datetime
import random
from dataclasses import dataclass

from stdnum import numdb

from shouhu.demo import data
from shouhu.demo.synth import synthetic_layout

CHILDREN_PER_COUNTY = 20_000
CITY_COUNT = 20
# 四川's prefecture-level cities (达州 first: the demo county's), with their 4-digit codes.
CITIES: tuple[tuple[str, str], ...] = (
    ("5117", "达州市"),
    ("5103", "自贡市"),
    ("5104", "攀枝花市"),
    ("5105", "泸州市"),
    ("5106", "德阳市"),
    ("5107", "绵阳市"),
    ("5108", "广元市"),
    ("5109", "遂宁市"),
    ("5110", "内江市"),
    ("5111", "乐山市"),
    ("5113", "南充市"),
    ("5114", "眉山市"),
    ("5115", "宜宾市"),
    ("5116", "广安市"),
    ("5118", "雅安市"),
    ("5119", "巴中市"),
    ("5120", "资阳市"),
    ("5132", "阿坝藏族羌族自治州"),
    ("5133", "甘孜藏族自治州"),
    ("5134", "凉山彝族自治州"),
)
BORN_FROM = 20  # years back: a county must be in python-stdnum's table for the children's births


def real_counties(city: str, *, year: int) -> list[tuple[str, str]]:
    """The county-level divisions (县 and 县级市, not urban 区) under the 4-digit `city` in
    python-stdnum's table of ID-number regions, existing from `BORN_FROM` years before `year`
    on, as 6-digit codes and names: every child's ID number then starts with a code the
    register's check accepts."""
    table = numdb.get("cn/loc")
    found = []
    for n in range(21, 100):
        code = f"{city}{n:02d}"
        info = {k: v for _part, props in table.info(code) for k, v in props.items()}
        for entry in info.get("county", "").split(","):
            start, end, name = "", "", entry
            if entry.startswith("["):
                span, name = entry[1:].split("]")
                start, end = span.split("-")
            if not name.endswith(("县", "市")) or end:
                continue
            if not start or int(start) <= year - BORN_FROM:
                found.append((code, name))
    return found


@dataclass(frozen=True)
class CountyLayout:
    """One county of the province: its layout, its share of the children and its seed."""

    layout: data.Layout
    children: int
    seed: int

    @property
    def code(self) -> str:
        return self.layout.county[0][:6]


@dataclass(frozen=True)
class ProvinceLayout:
    cities: tuple[tuple[str, str], ...]  # 12-digit code and name
    counties: tuple[CountyLayout, ...]

    @property
    def children(self) -> int:
        return sum(c.children for c in self.counties)


def county_count(children: int) -> int:
    """About one county per 20,000 children, and at least one per city."""
    return max(CITY_COUNT, round(children / CHILDREN_PER_COUNTY))


def province_layout(
    *, children: int, seed: int = data.DEFAULT_SEED, counties: int | None = None
) -> ProvinceLayout:
    """The cities and counties of a province of about `children` children on the register:
    `counties` counties (by default `county_count`) over the 20 cities, the children shared
    evenly between them. Only the county's layout is drawn here, not its children."""
    rng = random.Random(f"{seed}-province")
    count = counties or county_count(children)
    cities = tuple((f"{code}00000000", name) for code, name in CITIES[:CITY_COUNT])
    year = datetime.date.today().year
    real = [
        [c for c in real_counties(code[:4], year=year) if c[0] != data.COUNTY[0][:6]]
        for code, _name in cities
    ]
    real[0].insert(0, (data.COUNTY[0][:6], data.COUNTY[1]))  # 达州's first: the demo's county
    if count > sum(len(r) for r in real):
        raise ValueError(f"省内只有 {sum(len(r) for r in real)} 个县。")
    per_city = [1] * min(count, len(cities))  # every city has a county, the rest by size
    weights = [rng.uniform(0.5, 1.5) for _ in per_city]
    for _ in range(count - len(per_city)):
        open_ = [n for n in range(len(per_city)) if per_city[n] < len(real[n])]
        n = rng.choices(open_, weights=[weights[n] for n in open_])[0]
        per_city[n] += 1
    shares = [children // count] * count
    for n in range(children - sum(shares)):
        shares[n] += 1
    result: list[CountyLayout] = []
    for c, n_counties in enumerate(per_city):
        for code, name in real[c][:1] + rng.sample(real[c][1:], k=n_counties - 1):
            k = len(result)
            if k == 0:  # the demo's county: the plain synth's county of this size
                county, county_seed = data.COUNTY, seed
            else:
                county, county_seed = (f"{code}000000", name), seed + k
            layout = synthetic_layout(
                children=shares[k], seed=county_seed, county=county, city=cities[c]
            )
            result.append(CountyLayout(layout=layout, children=shares[k], seed=county_seed))
    return ProvinceLayout(cities=cities, counties=tuple(result))
