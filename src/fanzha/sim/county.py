"""A synthetic county: jurisdiction tree, residents and staff, seeded and reproducible.

Magnitudes follow what county centers report in their summaries: ~40万 residents in
~15 towns/streets and ~200 villages/communities, App coverage between 30% and 60%.
Names, numbers and ID numbers are generated (valid checksums, never real people).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from fanzha.areas.models import AreaLevel
from fanzha.people.models import VulnerabilityTag

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢钟"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰志强海燕红梅国庆春花晓东雪梅德明子涵浩然欣怡"
TOWN_NAMES = ["城关镇", "东城街道", "西城街道", "南湖街道", "北山镇", "青石镇", "河口镇", "桃源镇", "白沙镇",
              "清溪镇", "龙泉镇", "石桥镇", "云峰乡", "马坪乡", "新塘镇", "柳林镇", "金川镇", "双河镇"]
VILLAGE_SUFFIX = ["村", "社区"]
VILLAGE_WORDS = "东西南北上下前后大小新老杨柳桃李松竹梅花山水田湖石桥河塘岭坪"
BANKS = ["工商银行城关支行", "农业银行城关支行", "建设银行县支行", "中国银行县支行", "农商银行营业部",
         "邮储银行县支行", "农商银行北山支行", "工商银行南湖支行"]
OCCUPATIONS = [("农民", 0.22), ("企业职工", 0.2), ("个体经营", 0.1), ("学生", 0.12), ("退休", 0.14),
               ("公职人员", 0.05), ("财会人员", 0.03), ("无业", 0.07), ("自由职业", 0.07)]
AGE_BANDS = [((8, 17), 0.14), ((18, 25), 0.1), ((26, 35), 0.15), ((36, 45), 0.15), ((46, 60), 0.2),
             ((61, 70), 0.14), ((71, 90), 0.12)]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
MOBILE_PREFIXES = ("133", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "177",
                   "180", "181", "182", "186", "187", "188", "189", "191", "199")

COUNTY_CODE = "990101"
COUNTY_NAME = "安澜县"


def id_checksum(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


@dataclass
class AreaSpec:
    code: str
    name: str
    level: AreaLevel
    parent_code: str | None
    population: int = 0
    app_rate: float = 0.0


@dataclass
class Resident:
    external_ref: str
    name: str
    phone: str
    id_number: str
    gender: str
    age: int
    occupation: str
    address: str
    grid_code: str
    tags: list[str]
    app_installed: bool
    app_registered: bool


@dataclass
class County:
    seed: int
    areas: list[AreaSpec] = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)

    @property
    def grids(self) -> list[AreaSpec]:
        return [a for a in self.areas if a.level == AreaLevel.GRID]

    @property
    def towns(self) -> list[AreaSpec]:
        return [a for a in self.areas if a.level == AreaLevel.TOWN]

    @property
    def banks(self) -> list[AreaSpec]:
        return [a for a in self.areas if a.level == AreaLevel.BANK]


def build_areas(rng: random.Random, *, towns: int = 15, villages: int = 200) -> list[AreaSpec]:
    county = AreaSpec(COUNTY_CODE, COUNTY_NAME, AreaLevel.COUNTY, None)
    out = [county]
    town_weights = [rng.uniform(0.5, 2.0) for _ in range(towns)]
    per_town = [max(1, round(villages * w / sum(town_weights))) for w in town_weights]
    used_names: set[tuple[str, str]] = set()
    for t in range(towns):
        town = AreaSpec(f"{COUNTY_CODE}{t + 1:03d}", TOWN_NAMES[t % len(TOWN_NAMES)], AreaLevel.TOWN, COUNTY_CODE,
                        app_rate=rng.uniform(0.30, 0.60))
        out.append(town)
        for v in range(per_town[t]):
            while True:
                vname = rng.choice(VILLAGE_WORDS) + rng.choice(VILLAGE_WORDS) + rng.choice(VILLAGE_SUFFIX)
                if (town.code, vname) not in used_names:
                    used_names.add((town.code, vname))
                    break
            village = AreaSpec(f"{town.code}{v + 1:03d}", vname, AreaLevel.VILLAGE, town.code,
                               app_rate=min(0.85, max(0.15, town.app_rate + rng.uniform(-0.12, 0.12))))
            out.append(village)
            for g in range(rng.choice((2, 2, 3))):
                out.append(AreaSpec(f"{village.code}{g + 1:02d}", f"{vname}第{g + 1}网格", AreaLevel.GRID,
                                    village.code, app_rate=village.app_rate))
    for b, name in enumerate(BANKS):
        out.append(AreaSpec(f"{COUNTY_CODE}B{b + 1:02d}", name, AreaLevel.BANK, COUNTY_CODE))
    return out


def _id_number(rng: random.Random, birth: date, gender: str) -> str:
    seq = rng.randrange(0, 50) * 2 + (1 if gender == "男" else 0)
    first17 = f"{COUNTY_CODE}{birth:%Y%m%d}{rng.randrange(0, 10)}{seq:02d}"
    return first17 + id_checksum(first17)


def build_county(seed: int, *, residents: int = 400_000, towns: int = 15, villages: int = 200,
                 today: date | None = None) -> County:
    rng = random.Random(seed)
    today = today or date(2026, 1, 1)
    areas = build_areas(rng, towns=min(towns, len(TOWN_NAMES)), villages=villages)
    grids = [a for a in areas if a.level == AreaLevel.GRID]
    grid_weights = [rng.uniform(0.6, 1.6) for _ in grids]
    county = County(seed=seed, areas=areas)
    phones: set[str] = set()
    by_code = {a.code: a for a in areas}
    # Draw grids and age bands for everyone at once: per-person weighted draws cost 10x more.
    grid_draws = rng.choices(grids, weights=grid_weights, k=residents)
    band_draws = rng.choices([b for b, _ in AGE_BANDS], weights=[w for _, w in AGE_BANDS], k=residents)
    occupation_draws = rng.choices([o for o, _ in OCCUPATIONS], weights=[w for _, w in OCCUPATIONS], k=residents)
    for i in range(residents):
        grid = grid_draws[i]
        gender = rng.choice(("男", "女"))
        lo, hi = band_draws[i]
        age = rng.randint(lo, hi)
        if age < 18:
            occupation = "学生"
        elif age > 62:
            occupation = "退休" if rng.random() < 0.6 else "农民"
        else:
            occupation = occupation_draws[i]
            if occupation == "退休":
                occupation = "企业职工"
        while True:
            phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(0, 10**8):08d}"
            if phone not in phones:
                phones.add(phone)
                break
        birth = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
        tags: list[str] = []
        if age >= 60:
            tags.append(VulnerabilityTag.ELDERLY)
        if occupation == "学生" and age >= 16:
            tags.append(VulnerabilityTag.STUDENT)
        if occupation == "财会人员":
            tags.append(VulnerabilityTag.ACCOUNTANT)
        if gender == "女" and 24 <= age <= 38 and occupation in ("无业", "自由职业") and rng.random() < 0.5:
            tags.append(VulnerabilityTag.MOTHER)
        app_rate = grid.app_rate * (0.5 if age >= 65 else 1.0) * (0.8 if age < 18 else 1.0)
        installed = rng.random() < app_rate
        village = by_code[grid.parent_code or ""]
        county.residents.append(Resident(
            external_ref=f"SIM{seed}-{i:07d}",
            name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
            phone=phone, id_number=_id_number(rng, birth, gender), gender=gender, age=age, occupation=occupation,
            address=f"{COUNTY_NAME}{village.name}{rng.randint(1, 120)}号", grid_code=grid.code, tags=tags,
            app_installed=installed, app_registered=installed and rng.random() < 0.8,
        ))
    counts: dict[str, int] = {}
    for r in county.residents:
        counts[r.grid_code] = counts.get(r.grid_code, 0) + 1
    for a in reversed(areas):  # children come after parents, so walk backwards to sum upwards
        if a.level == AreaLevel.GRID:
            a.population = counts.get(a.code, 0)
        if a.parent_code and a.level != AreaLevel.BANK:
            by_code[a.parent_code].population += a.population
    return county
