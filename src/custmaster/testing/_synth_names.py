"""Names for the synthetic book: surnames at real frequencies, given names by generation.

Private data for `custmaster.testing.synth`.

* Surnames: the 100 most common (`custmaster.testing._values`, shares of the 2020 household
  registers in tenths of a percent) and 100 less common ones at 0.1 % each, so that about nine
  people in ten carry one of the top hundred, as in the registers. Compound surnames (欧阳,
  司马 …) are drawn apart, at a rate the generator sets.
* Given names depend on the generation (born before 1965, 1965-1984, 1985-1999, from 2000)
  and the gender: one character (``伟``, ``芳``: common before 2000, rare after), a popular
  name of the generation (``建国``, ``秀英``; ``子轩``, ``欣怡``), or two characters composed
  from the usual first and second characters. The heavy head of these lists is what makes
  many different people share a name such as 张伟 or 王芳.
* Uyghur and Kazakh names written with ``·``, Tibetan names without surname.
* Confusable characters (`TYPOS`): what a clerk types for a character heard on the phone or
  read from bad handwriting (伟 → 玮, 静 → 婧, 黄 → 王).
* Parts of company names.

Every character is in GB 2312, so every name can be written in GBK.
"""

from __future__ import annotations

from custmaster.testing._values import _COMPOUND_SURNAMES, _SURNAMES

__all__ = [
    "COMPOUND_SURNAMES",
    "DOT_FATHER",
    "DOT_GIVEN",
    "ERA_STARTS",
    "FIRST_CHARS",
    "ORG_FORMS",
    "ORG_TRADES",
    "ORG_TRADE_NAMES",
    "POPULAR",
    "POPULAR_SHARE",
    "SECOND_CHARS",
    "SINGLE",
    "SINGLE_SHARE",
    "SURNAMES",
    "TIBETAN",
    "TYPOS",
]

#: Less common surnames (ranks beyond 100), each 0.1 % of the population.
_TAIL = (
    "樊兰殷施洪翟安颜倪牛温季俞章鲁葛伍申尤毕聂焦柳邢路岳齐梅庄辛管祝左涂谷祁时舒耿牟卜詹关苗凌费纪"
    "靳盛童甄项曲成游阳裴席卫查屈鲍位霍翁隋甘景单包司柏宁柯阮桂闵解强柴华车冉房边辜吉饶刁瞿戚丘"
    "古米池滕晋苑邬臧宫来苟全褚廉简娄"
)

_TOP = frozenset(surname for surname, _, _ in _SURNAMES)

#: ``(surname, weight)``: weights in tenths of a percent of the population.
SURNAMES: tuple[tuple[str, int], ...] = tuple(
    [(surname, weight) for surname, _, weight in _SURNAMES]
    + [(surname, 1) for surname in dict.fromkeys(_TAIL) if surname not in _TOP]
)

#: Compound surnames.
COMPOUND_SURNAMES: tuple[str, ...] = tuple(surname for surname, _ in _COMPOUND_SURNAMES)

#: First birth year of each generation of given names.
ERA_STARTS: tuple[int, ...] = (0, 1965, 1985, 2000)

#: Share of one-character given names in each generation.
SINGLE_SHARE: tuple[float, ...] = (0.36, 0.42, 0.30, 0.10)
#: Share of the generation's popular two-character names.
POPULAR_SHARE: tuple[float, ...] = (0.30, 0.22, 0.20, 0.30)

#: One-character given names with weights, by gender.
SINGLE: dict[str, tuple[tuple[str, int], ...]] = {
    "M": (
        ("伟", 24),
        ("磊", 12),
        ("勇", 12),
        ("军", 12),
        ("杰", 10),
        ("涛", 10),
        ("斌", 8),
        ("强", 10),
        ("超", 8),
        ("明", 8),
        ("刚", 8),
        ("平", 7),
        ("辉", 8),
        ("鹏", 7),
        ("华", 7),
        ("飞", 6),
        ("鑫", 6),
        ("波", 6),
        ("宇", 6),
        ("浩", 6),
        ("凯", 5),
        ("健", 5),
        ("俊", 5),
        ("帆", 4),
        ("帅", 4),
        ("旭", 4),
        ("宁", 4),
        ("龙", 4),
        ("林", 4),
        ("阳", 4),
        ("亮", 4),
        ("峰", 4),
        ("成", 3),
        ("坤", 3),
        ("毅", 3),
        ("彬", 3),
        ("晨", 3),
        ("锋", 3),
        ("建", 3),
        ("东", 3),
        ("兵", 3),
        ("江", 2),
        ("雷", 2),
    ),
    "F": (
        ("芳", 20),
        ("娜", 16),
        ("敏", 14),
        ("静", 16),
        ("丽", 14),
        ("艳", 13),
        ("娟", 11),
        ("霞", 10),
        ("燕", 10),
        ("玲", 8),
        ("婷", 10),
        ("雪", 6),
        ("琳", 6),
        ("颖", 6),
        ("倩", 6),
        ("洁", 6),
        ("丹", 6),
        ("萍", 6),
        ("红", 6),
        ("梅", 6),
        ("莉", 5),
        ("慧", 5),
        ("莹", 5),
        ("晶", 4),
        ("璐", 3),
        ("蕾", 3),
        ("妍", 3),
        ("琴", 4),
        ("云", 4),
        ("英", 4),
        ("佳", 3),
        ("欣", 3),
        ("悦", 3),
        ("薇", 3),
        ("芬", 3),
    ),
}

#: Popular two-character given names of each generation, by gender.
POPULAR: dict[str, tuple[tuple[str, ...], ...]] = {
    "M": (
        ("建国", "建华", "国庆", "建军", "志强", "德明", "国华", "春生", "长林", "金生", "国平",
         "建平", "文华", "志明", "永红"),
        ("建华", "志刚", "海涛", "晓东", "志勇", "俊杰", "建平", "立新", "卫东", "红军", "海波",
         "志伟", "国强", "建伟", "永强"),
        ("俊杰", "鹏飞", "志伟", "文杰", "子健", "家豪", "明辉", "建伟", "晓峰", "浩然", "宇航",
         "天宇", "俊豪", "博文", "嘉伟"),
        ("子轩", "浩然", "宇轩", "梓轩", "浩宇", "子豪", "俊熙", "一鸣", "宇航", "皓轩", "梓豪",
         "子墨", "奕辰", "沐宸", "思远"),
    ),
    "F": (
        ("秀英", "桂英", "秀兰", "玉兰", "桂兰", "秀珍", "凤英", "玉珍", "玉英", "兰英", "桂芳",
         "淑珍", "秀云", "淑华", "玉梅"),
        ("丽娟", "海燕", "红梅", "晓燕", "丽华", "春梅", "秀梅", "丽萍", "丽红", "艳红", "晓红",
         "小燕", "美玲", "雪梅", "丽君"),
        ("婷婷", "丹丹", "晓丽", "佳佳", "静静", "雪梅", "莉莉", "倩倩", "晶晶", "丽丽", "梦婷",
         "佳怡", "思雨", "雨婷", "欣然"),
        ("欣怡", "梓涵", "雨萱", "诗涵", "子涵", "可馨", "思彤", "雨涵", "紫涵", "梦琪", "一诺",
         "语桐", "若汐", "梓萱", "佳琪"),
    ),
}  # fmt: skip

#: First characters of composed two-character given names, by gender.
FIRST_CHARS: dict[str, str] = {
    "M": "志建国文永海俊浩宇子天博家振德成晓明春金荣嘉睿泽思一梓佳立新伟鹏宏兴正晨昊雨",
    "F": "秀丽晓美玉春雅慧欣佳思雨月婷颖静梦诗雪丹燕红玲晶淑素彩凤文海可紫若",
}
#: Second characters of composed two-character given names, by gender.
SECOND_CHARS: dict[str, str] = {
    "M": "华明强伟军平林峰东辉杰涛斌波刚亮超龙鹏飞宇浩然轩豪博文武勇健成辰阳",
    "F": "芳丽娟燕霞英兰梅红玲婷琳萍敏静洁雪丹倩颖慧萱涵怡琪彤妍悦莹晶娜薇",
}

#: Uyghur and Kazakh given names (written first), by gender, and fathers' names.
DOT_GIVEN: dict[str, tuple[str, ...]] = {
    "M": ("艾力", "买买提", "阿不都", "艾山", "玉素甫", "阿里木", "依明", "阿迪力", "努尔兰",
          "叶尔兰", "艾尔肯", "吐尔洪", "肉孜", "卡哈尔"),
    "F": ("古丽", "阿依古丽", "热依拉", "帕提古丽", "迪丽努尔", "米热古丽", "阿娜尔", "古丽娜尔",
          "努尔古丽", "再努尔", "玛依拉", "祖丽菲亚"),
}  # fmt: skip
DOT_FATHER: tuple[str, ...] = (
    "吐尔逊", "买买提", "艾山", "热合曼", "阿不都拉", "玉素甫", "吾斯曼", "卡德尔", "努尔",
    "加帕尔", "艾则孜", "阿布力米提", "托合提", "依沙克",
)  # fmt: skip
#: Tibetan name elements: a name is two of them.
TIBETAN: dict[str, tuple[str, ...]] = {
    "M": ("扎西", "多吉", "次仁", "顿珠", "平措", "达瓦", "尼玛", "格桑", "罗布", "旺堆"),
    "F": ("卓玛", "央金", "拉姆", "德吉", "次仁", "曲珍", "白玛", "格桑", "普布", "措姆"),
}

_TYPO_LINES = (
    "伟玮炜 丽莉俐 静婧晶 芳方 军君 明铭鸣 华桦骅 杰洁捷 涛滔 斌彬 刚钢 磊雷",
    "勇永 敏民 娟鹃 燕艳 霞侠 玲琳龄 婷亭 红宏洪 梅玫 萍平 辉晖 鹏朋",
    "飞非 鑫新欣 波博 宇雨羽 浩皓昊 俊峻骏 峰锋 晓小 建剑健 国果 志智 春纯",
    "秀绣 英瑛 兰岚 珍真 凤风 玉钰 桂贵 欣昕馨 怡宜 涵含晗 萱宣 轩萱",
    "诗思 思斯 彤桐 琪淇棋 张章 王汪 李黎 刘柳 陈程 杨阳 黄王 吴伍",
    "徐许 周邹 林琳 于余 冯凤 叶业 文雯 海凯 亮良 超朝 强蔷",
)
#: Characters and what they are mistyped as (a homophone or a look-alike).
TYPOS: dict[str, str] = {word[0]: word[1:] for line in _TYPO_LINES for word in line.split()}

#: Trade names (字号) of companies.
ORG_TRADE_NAMES: tuple[str, ...] = (
    "鑫源", "华泰", "恒达", "宏远", "金诚", "安泰", "瑞丰", "永信", "中联", "盛世", "天成", "汇通",
    "嘉禾", "弘毅", "万顺", "海纳", "同创", "信达", "昌盛", "博远", "兴业", "鸿运", "佳美", "利民",
    "德隆", "众诚", "正和", "东方", "新星", "顺达", "长兴", "宏图", "金桥", "华信", "伟业", "联创",
)  # fmt: skip
#: Lines of business (行业).
ORG_TRADES: tuple[str, ...] = (
    "贸易", "科技", "物流", "建筑工程", "餐饮管理", "汽车销售服务", "电子", "食品", "置业", "医药",
    "运输", "信息技术", "装饰工程", "文化传媒", "机械设备", "进出口", "房地产开发", "物业管理",
    "汽车租赁", "供应链管理", "环保科技", "商贸",
)  # fmt: skip
#: Legal forms, the first most common.
ORG_FORMS: tuple[str, ...] = ("有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司")
