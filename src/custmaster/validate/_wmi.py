"""World Manufacturer Identifiers (VIN positions 1-3) of vehicles made for the Chinese market.

Private data for `custmaster.validate.vin`. Generated once from the ``wmi`` column of
``vehicle-series-source.csv`` (the project's vehicle make/series catalogue, whose WMI facts come
from ``idlesign/vininfo`` ``src/vininfo/dicts/wmi.py``, release 1.11.0), plus ``LC0`` (比亚迪,
BYD's second WMI besides ``LGX``). Each entry maps the WMI to the manufacturer's display name and
to the producer names used by that catalogue (several producers share ``LDC``, ``LFP`` and
``LWV``; the display name is then the company that makes them all).

Small manufacturers (under 1,000 vehicles a year) have ``9`` as third character and are not listed.
"""

from __future__ import annotations

__all__ = ["WMI"]

#: WMI -> (manufacturer display name, producer names in the vehicle-series catalogue).
WMI: dict[str, tuple[str, tuple[str, ...]]] = {
    "L6T": ("吉利汽车", ("吉利汽车",)),
    "LBE": ("北京现代", ("北京现代",)),
    "LBV": ("华晨宝马", ("华晨宝马",)),
    "LC0": ("比亚迪", ("比亚迪",)),
    "LDC": ("神龙汽车", ("东风标致", "东风雪铁龙")),
    "LE4": ("北京奔驰", ("北京奔驰",)),
    "LFM": ("一汽丰田", ("一汽丰田",)),
    "LFP": ("一汽轿车", ("一汽奔腾", "一汽红旗")),
    "LFV": ("一汽-大众", ("一汽-大众",)),
    "LGB": ("东风日产", ("东风日产",)),
    "LGJ": ("东风乘用车", ("东风乘用车",)),
    "LGW": ("长城汽车", ("长城汽车",)),
    "LGX": ("比亚迪", ("比亚迪",)),
    "LH1": ("一汽海马", ("一汽海马",)),
    "LHG": ("广汽本田", ("广汽本田",)),
    "LJ1": ("江淮汽车", ("江淮汽车",)),
    "LJD": ("东风悦达起亚", ("东风悦达起亚",)),
    "LKL": ("苏州金龙", ("苏州金龙",)),
    "LLV": ("力帆汽车", ("力帆汽车",)),
    "LMG": ("广汽乘用车", ("广汽乘用车",)),
    "LPA": ("长安标致雪铁龙", ("长安标致雪铁龙",)),
    "LRW": ("特斯拉中国", ("特斯拉中国",)),
    "LS5": ("长安铃木", ("长安铃木",)),
    "LSG": ("上汽通用", ("上汽通用",)),
    "LSJ": ("上汽乘用车", ("上汽乘用车",)),
    "LSV": ("上汽大众", ("上汽大众",)),
    "LSY": ("华晨中华", ("华晨中华",)),
    "LTV": ("一汽丰田", ("一汽丰田",)),
    "LVG": ("广汽丰田", ("广汽丰田",)),
    "LVH": ("东风本田", ("东风本田",)),
    "LVR": ("长安马自达", ("长安马自达",)),
    "LVS": ("长安福特", ("长安福特",)),
    "LVV": ("奇瑞汽车", ("奇瑞汽车",)),
    "LVY": ("沃尔沃亚太", ("沃尔沃亚太",)),
    "LWV": ("广汽菲克", ("广汽菲克Jeep", "广汽菲克菲亚特")),
    "LYV": ("沃尔沃亚太", ("沃尔沃亚太",)),
    "LZW": ("上汽通用五菱", ("上汽通用五菱",)),
    "LZY": ("宇通客车", ("宇通客车",)),
}
