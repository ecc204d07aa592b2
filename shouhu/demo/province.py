"""A synthetic province (`shouhu synth` at province size): 20 prefecture-level cities (地级市),
each with counties of about 20,000 children drawn by `demo.synth.synthetic_layout`.

`province_layout(children=…, seed=…)` is a pure function. The first county is the demo's
万源市 (511781, in 达州市), drawn with the plain synth's seed, so that the province's first
county is the county `shouhu synth` draws for the same size; the others get their own 6-digit
codes under their city (city code + 21…, as counties are numbered) and their own seed.
`demo.province_load` writes it on PostgreSQL.
"""

import random
from dataclasses import dataclass

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
COUNTY_STEMS = (
    "宣汉 开江 大竹 渠 通江 南江 平昌 安岳 乐至 荣 富顺 米易 盐边 泸 合江 叙永 古蔺 中江 "
    "罗江 三台 盐亭 梓潼 北川 平武 旺苍 青川 剑阁 苍溪 蓬溪 大英 威远 资中 隆昌 犍为 井研 "
    "夹江 沐川 峨边 马边 南部 营山 蓬安 仪陇 西充 仁寿 洪雅 丹棱 青神 江安 长宁 高 珙 筠连 "
    "兴文 屏山 岳池 武胜 邻水 名山 荥经 汉源 石棉 天全 芦山 宝兴 汶川 理 茂 松潘 九寨沟 "
    "金川 小金 黑水 壤塘 阿坝 若尔盖 红原 泸定 丹巴 九龙 雅江 道孚 炉霍 甘孜 新龙 德格 "
    "白玉 石渠 色达 理塘 巴塘 乡城 稻城 得荣 木里 盐源 德昌 会理 会东 宁南 普格 布拖 金阳 "
    "昭觉 喜德 冕宁 越西 甘洛 美姑 雷波"
).split()


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
    per_city = [1] * min(count, len(cities))  # every city has a county, the rest by size
    weights = [rng.uniform(0.5, 1.5) for _ in per_city]
    for _ in range(count - len(per_city)):
        n = rng.choices(range(len(per_city)), weights=weights)[0]
        per_city[n] += 1
    stems = rng.sample(COUNTY_STEMS, k=len(COUNTY_STEMS))
    shares = [children // count] * count
    for n in range(children - sum(shares)):
        shares[n] += 1
    result: list[CountyLayout] = []
    for c, n_counties in enumerate(per_city):
        city_code = cities[c][0][:4]
        for i in range(n_counties):
            k = len(result)
            if k == 0:  # the demo's county: the plain synth's county of this size
                county, county_seed = data.COUNTY, seed
            else:
                stem = stems[k % len(stems)] if k < len(stems) else f"新{stems[k % len(stems)]}"
                code = f"{city_code}{21 + i - (1 if c == 0 else 0):02d}"
                county, county_seed = (f"{code}000000", stem + "县"), seed + k
            layout = synthetic_layout(
                children=shares[k], seed=county_seed, county=county, city=cities[c]
            )
            result.append(CountyLayout(layout=layout, children=shares[k], seed=county_seed))
    return ProvinceLayout(cities=cities, counties=tuple(result))
