"""A synthetic county of any size (`shouhu synth`), drawn in the demo county's shape.

`synthetic_layout(children=…, seed=…)` draws the townships, villages and schools of a county
large enough for that many children (about one school per 200 children on the register); the
demo plan (`shouhu.demo.plan`) then fills it exactly as it fills the demo county, and the care
plan adds the months of care work. Every township has a central primary school and, from two
schools up, a junior middle school in its seat; the others are village primary schools and
nine-year schools. The first township is the demo accounts' (leader, head, teacher, counsellor
at its central school, the village supervisor at its first village school).
"""

import random

from shouhu.demo import data

CHILDREN_PER_SCHOOL = 200
SCHOOLS_PER_TOWNSHIP = 4
TOWNSHIP_NAMES = (
    "太平 青花 旧院 罗文 竹峪 大竹 白沙 石塘 黄钟 草坝 长坝 官渡 铁矿 大沙 井溪 沙滩 河口 "
    "玉龙 秦河 庙垭 固军 鹰背 紫溪 蜂桶 虹桥 梨树 魏家 花楼 钟亭 曹家 石人 永宁 堰塘 "
    "白羊 茶垭 丝罗 石窝 八台 柳黄 新店 双河 三合 龙泉 金山 平溪 马鞍 观音 青龙 碑庙 麻柳"
).split()
VILLAGE_NAMES = (
    "红旗 新华 长石 龙潭 田坝 白果 金竹 石门 光明 桥亭 团结 黄坪 大园 石梯 和平 胜利 "
    "民主 柏树 双河 新民 幸福 先锋 联合 永安 中坝 高桥 杨柳 松林 桃园 枣树 核桃 银杏"
).split()
PUPILS = {  # pupils per class, low and high
    "central": (36, 52),
    "junior": (38, 52),
    "village": (22, 36),
    "nine_year": (28, 42),
}


def synthetic_layout(
    *,
    children: int,
    seed: int = data.DEFAULT_SEED,
    county: tuple[str, str] = data.COUNTY,
    city: tuple[str, str] = data.CITY,
) -> data.Layout:
    """The townships and schools of a county for about `children` children on the register;
    by default the demo's county 万源市, else a county of a province (`demo.province`): its
    township codes start with its 6-digit code and its school codes with 2 and that code."""
    rng = random.Random(f"{seed}-layout")
    county_code, county_name = county[0][:6], county[1]
    school_prefix = "2151178" if county == data.COUNTY else f"2{county_code}"
    school_count = max(3, round(children / CHILDREN_PER_SCHOOL))
    township_count = max(1, round(school_count / SCHOOLS_PER_TOWNSHIP))
    per_township = [school_count // township_count] * township_count
    for n in range(school_count - sum(per_township)):
        per_township[n] += 1
    if per_township[0] < 3:  # the demo accounts' township needs a village school of its own
        per_township[0], per_township[-1] = 3, per_township[-1] - (3 - per_township[0])
    townships: list[data.TownshipData] = []
    schools: list[data.SchoolData] = []
    demo_village = ""
    for t, count in enumerate(per_township):
        stem = TOWNSHIP_NAMES[t % len(TOWNSHIP_NAMES)]
        if t >= len(TOWNSHIP_NAMES):
            stem = "新" + stem
        name = stem + ("乡" if rng.random() < 0.2 else "镇")
        prefix = f"{county_code}{100 + t:03d}"
        village_count = max(3, count + rng.randint(0, 3))
        village_names = rng.sample(VILLAGE_NAMES, k=min(village_count, len(VILLAGE_NAMES)))
        villages = (("001", f"{stem}社区"),) + tuple(
            (f"{201 + v:03d}", f"{village}村") for v, village in enumerate(village_names)
        )
        townships.append(data.TownshipData(prefix, name, villages))
        for s in range(count):
            code = f"{school_prefix}{len(schools) + 101:03d}"  # 学校标识码: 10 digits
            if s == 0:
                kind, sort, where, label = "primary", "central", "001", f"{name}中心小学"
            elif s == 1:
                kind, sort, where, label = "junior", "junior", "001", f"{name}初级中学"
            else:
                suffix, village = villages[1 + (s - 2) % (len(villages) - 1)]
                nine = rng.random() < 0.3
                kind, sort = ("nine_year", "nine_year") if nine else ("primary", "village")
                where = suffix
                label = f"{name}{village[:-1]}{'九年制学校' if nine else '小学'}"
                if t == 0 and not demo_village:
                    demo_village = prefix + suffix
            sections = 1 if sort in ("village", "nine_year") else rng.choice((1, 2, 2, 3))
            low = rng.uniform(0.42, 0.55)
            schools.append(
                data.SchoolData(
                    code,
                    f"{county_name}{label}",
                    kind,
                    prefix + where,
                    sections,
                    PUPILS[sort],
                    (round(low, 2), round(low + rng.uniform(0.1, 0.18), 2)),
                )
            )
    return data.Layout(
        county=county,
        city=city,
        townships=tuple(townships),
        schools=tuple(schools),
        demo_school=schools[0].code,
        demo_township=townships[0].code,
        demo_village=demo_village,
    )
