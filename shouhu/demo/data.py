"""The fixed material of the demo county: places, schools, names and the demo accounts.

Everything here is static. `shouhu.demo.plan` draws from it with a seeded random generator, so the
same seed always gives the same county.
"""

from dataclasses import dataclass
from functools import cached_property

from shouhu.core.roles import Role

DEFAULT_SEED = 511781
DEFAULT_CHILDREN = 1800
DEMO_PASSWORD = "shouhu-demo"


COUNTY_CODE = "511781"
PROVINCE = ("510000000000", "四川省")
CITY = ("511700000000", "达州市")
COUNTY = ("511781000000", "万源市")

# The demo's terms and its day are not here: it is built around the day it is seeded
# (`shouhu.demo.terms`).


@dataclass(frozen=True)
class TownshipData:
    code: str  # 9-digit prefix
    name: str
    villages: tuple[tuple[str, str], ...]  # (3-digit suffix, name); 0xx are communities


TOWNSHIPS: tuple[TownshipData, ...] = (
    TownshipData(
        "511781100",
        "太平镇",
        (
            ("001", "东城社区"),
            ("201", "红旗村"),
            ("202", "新华村"),
            ("203", "长石村"),
            ("204", "龙潭村"),
        ),
    ),
    TownshipData(
        "511781101",
        "青花镇",
        (("001", "青花社区"), ("201", "田坝村"), ("202", "白果村"), ("203", "花楼村")),
    ),
    TownshipData(
        "511781102",
        "旧院镇",
        (
            ("001", "旧院社区"),
            ("201", "金竹村"),
            ("202", "石门村"),
            ("203", "三合村"),
            ("204", "光明村"),
        ),
    ),
    TownshipData(
        "511781103",
        "罗文镇",
        (("001", "罗文社区"), ("201", "桥亭村"), ("202", "团结村"), ("203", "黄坪村")),
    ),
    TownshipData(
        "511781104",
        "竹峪镇",
        (("001", "竹峪社区"), ("201", "大园村"), ("202", "石梯村"), ("203", "观音村")),
    ),
    TownshipData(
        "511781105",
        "大竹镇",
        (("001", "大竹社区"), ("201", "和平村"), ("202", "胜利村"), ("203", "民主村")),
    ),
)


@dataclass(frozen=True)
class SchoolData:
    code: str  # 10-digit school code (学校标识码)
    name: str
    kind: str  # org.SchoolType value
    region: str  # 12-digit code of its village or community
    sections: int  # classes per grade
    pupils: tuple[int, int]  # pupils per class, low and high
    share: tuple[float, float]  # left-behind share of the pupils, low and high


SCHOOLS: tuple[SchoolData, ...] = (
    SchoolData(
        "2151178101", "万源市太平镇中心小学", "primary", "511781100001", 2, (46, 54), (0.46, 0.62)
    ),
    SchoolData(
        "2151178102", "万源市太平镇红旗小学", "primary", "511781100201", 1, (30, 40), (0.50, 0.70)
    ),
    SchoolData(
        "2151178103", "万源市太平镇初级中学", "junior", "511781100001", 2, (44, 52), (0.42, 0.60)
    ),
    SchoolData(
        "2151178104", "万源市青花镇中心小学", "primary", "511781101001", 2, (34, 44), (0.48, 0.68)
    ),
    SchoolData(
        "2151178105", "万源市青花初级中学", "junior", "511781101001", 2, (40, 50), (0.42, 0.62)
    ),
    SchoolData(
        "2151178106", "万源市旧院镇中心校", "nine_year", "511781102001", 1, (36, 46), (0.50, 0.70)
    ),
    SchoolData(
        "2151178107", "万源市旧院镇光明小学", "primary", "511781102204", 1, (24, 34), (0.55, 0.72)
    ),
    SchoolData(
        "2151178108", "万源市罗文镇中心小学", "primary", "511781103001", 1, (34, 44), (0.48, 0.66)
    ),
    SchoolData(
        "2151178109", "万源市罗文初级中学", "junior", "511781103001", 2, (38, 48), (0.42, 0.60)
    ),
    SchoolData(
        "2151178110",
        "万源市竹峪镇九年制学校",
        "nine_year",
        "511781104001",
        1,
        (30, 40),
        (0.52, 0.72),
    ),
    SchoolData(
        "2151178111", "万源市大竹镇中心小学", "primary", "511781105001", 1, (34, 44), (0.48, 0.68)
    ),
    SchoolData(
        "2151178112", "万源市大竹初级中学", "junior", "511781105001", 1, (40, 50), (0.42, 0.60)
    ),
)

GRADES_OF_KIND = {
    "primary": range(1, 7),
    "junior": range(7, 10),
    "nine_year": range(1, 10),
}
GRADE_NAMES = {
    1: "一年级",
    2: "二年级",
    3: "三年级",
    4: "四年级",
    5: "五年级",
    6: "六年级",
    7: "七年级",
    8: "八年级",
    9: "九年级",
}

# The school of the demo accounts (leader, head, teacher, counsellor) and the supervisor's village.
DEMO_SCHOOL = "2151178101"
DEMO_TOWNSHIP = "511781100"
DEMO_VILLAGE = "511781100201"


@dataclass(frozen=True)
class Layout:
    """A county to plan: its townships and schools, and where the demo accounts work.

    The demo county is `DEMO_LAYOUT`; `shouhu.demo.synth` draws larger ones of the same shape.
    """

    county: tuple[str, str]  # 12-digit code and name
    townships: tuple[TownshipData, ...]
    schools: tuple[SchoolData, ...]
    demo_school: str  # school code of leader, head, teacher and counsellor
    demo_township: str  # 9-digit prefix of the township officer's township
    demo_village: str  # 12-digit code of the village supervisor's village
    city: tuple[str, str] = CITY  # 12-digit code and name of its prefecture-level city

    @cached_property
    def _schools_by_code(self) -> dict[str, SchoolData]:
        return {s.code: s for s in self.schools}

    def school(self, code: str) -> SchoolData:
        return self._schools_by_code[code]

    def township_of(self, region: str) -> TownshipData:
        return self._townships_by_prefix[region[:9]]

    @cached_property
    def _townships_by_prefix(self) -> dict[str, TownshipData]:
        return {t.code: t for t in self.townships}


DEMO_LAYOUT = Layout(
    county=COUNTY,
    townships=TOWNSHIPS,
    schools=SCHOOLS,
    demo_school=DEMO_SCHOOL,
    demo_township=DEMO_TOWNSHIP,
    demo_village=DEMO_VILLAGE,
)

# Surnames with weights roughly by national frequency, plus names common in north-east Sichuan.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 72),
    ("李", 71),
    ("张", 67),
    ("刘", 54),
    ("陈", 46),
    ("杨", 35),
    ("赵", 20),
    ("黄", 19),
    ("周", 18),
    ("吴", 17),
    ("徐", 13),
    ("孙", 12),
    ("胡", 11),
    ("朱", 11),
    ("高", 10),
    ("林", 9),
    ("何", 9),
    ("郭", 9),
    ("马", 8),
    ("罗", 8),
    ("梁", 7),
    ("宋", 6),
    ("郑", 6),
    ("谢", 6),
    ("唐", 6),
    ("冯", 5),
    ("邓", 5),
    ("曾", 5),
    ("彭", 5),
    ("蒋", 4),
    ("袁", 4),
    ("蔡", 4),
    ("贾", 3),
    ("冉", 9),
    ("向", 9),
    ("谭", 8),
    ("覃", 5),
    ("苟", 4),
    ("符", 3),
    ("余", 4),
    ("魏", 3),
    ("雷", 3),
    ("廖", 3),
    ("侯", 2),
)

# Given names by generation: children born 2011–2020, parents born 1978–1995, grandparents older.
CHILD_GIVEN_MALE = (
    "子轩 浩然 宇航 俊杰 浩宇 梓豪 子豪 博文 宇轩 皓轩 一鸣 思远 家成 明轩 铭泽 俊熙 "
    "天佑 嘉豪 文博 睿泽 子墨 锦程 泽宇 奕辰 宇泽 浩轩 佳乐 鹏 杰 涛 鑫 磊 "
    "晨阳 志豪 智宸 俊宇 雨泽 昊天 梓睿 家豪 星宇 宏伟 文杰 子涵 嘉俊 建宇 瑞 航"
).split()
CHILD_GIVEN_FEMALE = (
    "梓涵 欣怡 雨桐 诗涵 一诺 语嫣 紫涵 可馨 佳怡 思雨 子萱 梦瑶 雨欣 欣妍 诗琪 "
    "若汐 雅琪 静怡 梓萱 语桐 佳琪 思琪 慧敏 雨涵 心怡 婷 丹 洁 瑶 倩 "
    "晓雪 文静 丽娜 梦琪 欣悦 梓琳 可欣 依诺 安琪 雨萱 紫萱 玉洁 晨曦 思彤 嘉欣 悦"
).split()
PARENT_GIVEN_MALE = (
    "建华 志强 勇 军 伟 小军 海军 国强 建军 明 刚 斌 涛 波 兵 辉 俊 "
    "建平 德平 小平 永红 世军 光明 成林 红兵 华 平 林 超 洪 鹏程 学文"
).split()
PARENT_GIVEN_FEMALE = (
    "小红 丽 芳 燕 海燕 红梅 晓燕 小琴 春梅 秀兰 丽娟 霞 敏 静 玲 艳 "
    "小芳 桂芳 冬梅 小英 娟 琼 蓉 艳华 秀琼 晓梅 利 英 翠 春燕 明霞 红"
).split()
ELDER_GIVEN_MALE = (
    "德明 国华 明富 光荣 永福 德贵 正华 世荣 成贵 长青 朝富 太平 "
    "开明 德全 昌明 文清 华清 宗林 兴贵 有才 祥 福 贵 洪 华 清"
).split()
ELDER_GIVEN_FEMALE = (
    "秀英 桂兰 玉兰 淑芬 凤英 桂芳 秀珍 素华 德芳 玉珍 秀琼 翠兰 "
    "淑华 桂英 菊香 兰 芬 英 珍 琼 仙 碧英 光秀 明秀 德秀 绍英"
).split()

# Where the parents work, weighted: Guangdong and Zhejiang first, as in most Sichuan counties.
DESTINATIONS: tuple[tuple[str, int], ...] = (
    ("广东省东莞市", 18),
    ("广东省深圳市", 12),
    ("广东省广州市", 9),
    ("广东省佛山市", 6),
    ("广东省中山市", 3),
    ("浙江省宁波市", 10),
    ("浙江省杭州市", 5),
    ("浙江省温州市", 4),
    ("浙江省金华市", 3),
    ("江苏省苏州市", 6),
    ("福建省厦门市", 3),
    ("福建省泉州市", 3),
    ("上海市", 4),
    ("北京市", 2),
    ("四川省成都市", 8),
    ("重庆市", 5),
    ("陕西省西安市", 2),
    ("新疆维吾尔自治区乌鲁木齐市", 2),
)
EMPLOYER_STEMS = (
    "华兴",
    "永盛",
    "宏达",
    "鑫源",
    "金辉",
    "恒通",
    "富康",
    "伟业",
    "顺发",
    "长城",
    "新亚",
    "佳美",
)
EMPLOYER_TRADES = (
    "电子",
    "五金",
    "服装",
    "塑胶制品",
    "建筑工程",
    "物流",
    "家具",
    "鞋业",
    "纺织",
    "食品",
)
INFORMAL_WORK = (
    "建筑工地（自由务工）",
    "个体经营（餐馆）",
    "快递站点",
    "装修队",
    "个体经营（水果摊）",
    "家政服务",
    "外卖配送",
    "货车运输（个体）",
)
MOBILE_PREFIXES = (
    "133 135 136 137 138 139 150 151 152 157 158 159 177 180 181 182 183 187 188 189 191 198 199"
).split()
LANDLINE_AREA = "0818"

PERSONALITIES = (
    "性格开朗，爱唱歌",
    "性格内向，不爱说话，喜欢画画",
    "字写得工整，爱读书",
    "英语发音好",
    "爱打篮球，集体荣誉感强",
    "做事认真，乐于助人",
    "动手能力强，喜欢做手工",
    "活泼好动，爱跳舞",
    "性格倔强，自尊心强",
    "胆小，与同学交往少",
)
STUDY_NOTES = (
    "数学成绩较好",
    "语文基础薄弱，需要辅导",
    "成绩中等，学习习惯有待培养",
    "成绩优秀，担任班干部",
    "作业常不能按时完成",
    "近期成绩有进步",
)
HEALTH_NOTES = ("轻度近视", "有哮喘病史", "身体健康", "体质较弱，易感冒", "有过敏性鼻炎")
GUARDIAN_HEALTH = ("健康", "良好", "一般", "患有高血压", "患有慢性支气管炎")
GUARDIAN_HEALTH_FRAIL = ("体弱多病", "行动不便", "患病卧床", "年老体衰")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    display_name: str
    scope: str  # what the scope node is: county, township, village, school, class or pairs


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", Role.ADMIN, "陈管理员", "county"),
    DemoAccount("county", Role.REGION_OFFICER, "刘科长", "county"),
    DemoAccount("township", Role.TOWNSHIP_OFFICER, "谭主任", "township"),
    DemoAccount("village", Role.VILLAGE_SUPERVISOR, "冉督导员", "village"),
    DemoAccount("leader", Role.SCHOOL_LEADER, "向校长", "school"),
    DemoAccount("head", Role.HEAD_TEACHER, "李老师", "class"),
    DemoAccount("teacher", Role.TEACHER, "王老师", "school"),
    DemoAccount("counsellor", Role.COUNSELLOR, "何老师", "school"),
    DemoAccount("volunteer", Role.VOLUNTEER, "赵阿姨", "pairs"),
    DemoAccount("privacy", Role.PRIVACY_OFFICER, "周主任", "county"),
)

# --- the vocabulary of the care work (篇六, 篇七, 篇十, 篇十一) ------------------------------

HOME_VISIT_NOTES = (
    "到家中走访，奶奶身体尚可，孩子作业能按时完成，叮嘱注意用电用火安全。",
    "家访时孩子正在做作业，与爷爷交流了孩子近期在校表现，建议多鼓励。",
    "走访了解到孩子周末常独自在家看电视，与监护人商定每天限时。",
    "与监护人交流孩子近期学习情况，数学有进步，语文需加强背诵。",
    "家访送去学习用品，孩子很高兴，表示会好好学习。",
    "了解孩子饮食起居情况，外婆腿脚不便，已请邻居帮忙照看。",
    "查看孩子家庭作业完成情况，指导监护人每天签字检查。",
    "家访时宣传防溺水安全知识，监护人签收安全告知书。",
    "孩子身体已康复，正常到校，叮嘱监护人注意天气变化添减衣物。",
    "与监护人商量孩子周末的作息安排，孩子答应按时睡觉。",
)
TASK_VISIT_NOTES = (
    "接到必访任务后到家中走访，与监护人一起了解原因，孩子情绪已好转。",
    "家访了解情况：孩子近期因想念父母心情低落，已与家长通话，约定每周视频一次。",
    "家访核实：孩子因身体不适耽误学习，已安排同学帮助补课。",
    "走访后与监护人商定早上按时叫孩子起床，孩子保证不再迟到。",
    "家访调解：与对方家长一起沟通，两个孩子已和好。",
)
PARENT_CALL_NOTES = (
    "与孩子父亲电话沟通，介绍孩子本月在校表现，父亲表示每周给孩子打电话。",
    "与孩子母亲视频通话，母亲询问孩子成绩，建议多关心孩子情绪。",
    "电话告知家长孩子近期作业完成较好，家长很欣慰。",
    "与家长沟通孩子考试情况，商定假期的学习安排。",
    "家长反映工作忙，通话时间较短，已提醒家长多与孩子交流。",
    "电话联系孩子父亲，告知孩子感冒已好转。",
    "与家长沟通学校安全教育情况，家长支持学校工作。",
)
LETTER_NOTES = (
    "致家长的一封信：通报本学期关爱留守儿童工作安排、安全注意事项和学校联系电话。",
    "致家长的一封信：反馈孩子本学期学习和生活情况，请家长常与孩子联系。",
)
TALK_NOTES = (
    "课间与孩子谈心，孩子说想念妈妈，鼓励孩子给妈妈写信。",
    "与孩子交流近期学习，孩子表示英语单词记不住，约定每天听写。",
    "午休时与孩子聊天，孩子说和同桌关系很好，情绪稳定。",
    "孩子因与同学发生小矛盾心情不好，经谈心后已和好。",
    "了解到孩子周末帮爷爷干农活，表扬孩子懂事，提醒注意安全。",
)
FAMILY_CALL_NOTES = (
    "孩子在留守儿童之家用亲情电话与父亲通话约十分钟。",
    "组织孩子与外出务工的母亲视频通话，孩子很开心。",
    "孩子用亲情电话向父母报告考试成绩。",
)
COUNSELLING_NOTES = (
    "孩子因长期见不到父母，情绪低落、夜间失眠。进行绘画辅导，约定两周后复谈。",
    "孩子在校常与同学冲突，易怒。沙盘游戏中了解到家中管教严厉，已与监护人沟通。",
    "孩子自述学习压力大、担心父母关系，进行认知调整，建议班主任多给予鼓励。",
    "复谈：孩子情绪较上次平稳，能主动表达想法，继续跟踪。",
)
SYMPOSIUM_NOTES = (
    "召开留守儿童、代理家长和监护人座谈会，交流孩子学习生活情况，解答监护人疑问。",
    "留守儿童座谈会：孩子们讲述自己的心愿，代理家长逐一回应。",
)
TRAINING_NOTES = (
    "隔代家长培训：如何与孩子沟通、如何督促孩子完成作业，防溺水和交通安全。",
    "组织祖辈监护人学习科学育儿知识，发放隔代教育手册。",
)
HEALTH_CHECK_NOTES = (
    "镇卫生院为留守儿童免费体检，更新健康档案，视力异常的已通知监护人。",
    "学期体检：测量身高体重、检查视力和口腔，结果已告知监护人。",
)
SIGNAL_NOTES = {
    "bad_mood": ("上课时经常发呆，一个人偷偷哭。", "这几天不爱说话，午饭吃得很少。"),
    "unwell": ("上课时说头疼，脸色不好。", "连续两天咳嗽，精神不振。"),
    "grades_dropped": ("单元测验数学比上次下降二十多分。", "最近作业错误较多，听写不及格。"),
    "late_or_early": ("本周三次迟到，说早上没人叫起床。", "下午提前离校，监护人不知情。"),
    "quarrel": ("课间与同学发生争吵并推搡。", "与同桌闹矛盾，不肯和好。"),
}
EXEMPTION_REASONS = ("住院治疗", "随父母外出就医", "因病在家休养")
