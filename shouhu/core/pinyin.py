"""Pinyin keys for searching and sorting Chinese names (pypinyin).

Surnames with a special reading (曾 zēng, 单 shàn, 解 xiè …) are read as surnames, which
pypinyin's word dictionary does not know when the surname starts a given name.
"""

import functools

from pypinyin import lazy_pinyin

SURNAME_READINGS: dict[str, list[str]] = {
    "曾": ["zeng"],
    "单": ["shan"],
    "解": ["xie"],
    "仇": ["qiu"],
    "区": ["ou"],
    "查": ["zha"],
    "朴": ["piao"],
    "盖": ["ge"],
    "乐": ["yue"],
    "覃": ["qin"],
    "种": ["chong"],
    "缪": ["miao"],
    "翟": ["zhai"],
    "召": ["shao"],
    "尉迟": ["yu", "chi"],
    "万俟": ["mo", "qi"],
    "长孙": ["zhang", "sun"],
}


def _syllables(name: str) -> list[str]:
    name = name.strip()
    for surname in sorted(SURNAME_READINGS, key=len, reverse=True):
        if name.startswith(surname):
            return SURNAME_READINGS[surname] + lazy_pinyin(name[len(surname) :], errors="ignore")
    return lazy_pinyin(name, errors="ignore")


@functools.lru_cache(maxsize=8192)
def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials): 李家成 → ("lijiacheng", "ljc").

    Cached per distinct name (a pure function of the name): a census import of 20,000 rows
    repeats a few thousand names, and pypinyin costs far more than the lookup."""
    syllables = [s.lower() for s in _syllables(name) if s]
    return "".join(syllables), "".join(s[0] for s in syllables)
