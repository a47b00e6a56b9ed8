"""Build src/custmaster/validate/_countries.py from Debian's iso-codes (ISO 3166-1).

The table is data, not code, so it is generated once and committed; run this again when
iso-codes publishes a change (``apt-get install iso-codes``; the English data is in
``/usr/share/iso-codes/json`` and the Chinese names in the ``zh_CN`` gettext catalogue).

    python tools/build_countries.py [ISO_CODES_JSON_DIR] [ZH_CN_MO_FILE]
"""

from __future__ import annotations

import gettext
import json
import sys
from pathlib import Path

_JSON = Path("/usr/share/iso-codes/json")
_MO = Path("/usr/share/locale/zh_CN/LC_MESSAGES/iso_3166-1.mo")
_OUT = Path(__file__).resolve().parent.parent / "src/custmaster/validate/_countries.py"

#: Names Chinese forms use that the catalogue spells differently, and codes in common use
#: that ISO reserves for them (UK for GBR, EL for GRC, XK for Kosovo).
_EXTRA_NAMES = {
    "中华人民共和国": "CHN",
    "中国大陆": "CHN",
    "内地": "CHN",
    "大陆": "CHN",
    "中国香港": "HKG",
    "香港特别行政区": "HKG",
    "中国澳门": "MAC",
    "澳门特别行政区": "MAC",
    "台湾": "TWN",
    "中国台湾": "TWN",
    "台湾地区": "TWN",
    "韩国": "KOR",
    "南韩": "KOR",
    "朝鲜": "PRK",
    "北韩": "PRK",
    "俄罗斯联邦": "RUS",
    "英国": "GBR",
    "美国": "USA",
}
_EXTRA_CODES = {"UK": "GBR", "EL": "GRC", "XK": "XKX", "XKX": "XKX"}


def _q(text: str) -> str:
    """A double-quoted Python literal, as ruff format writes it."""
    return json.dumps(text, ensure_ascii=False)


def _key(name: str) -> str:
    return "".join(name.split()).casefold()


def build(json_dir: Path = _JSON, mo_file: Path = _MO) -> str:
    entries = json.loads((json_dir / "iso_3166-1.json").read_text("utf-8"))["3166-1"]
    with mo_file.open("rb") as handle:
        zh = gettext.GNUTranslations(handle)
    alpha3: dict[str, str] = {}
    names: dict[str, str] = {}
    zh_names: dict[str, str] = {}
    for entry in sorted(entries, key=lambda e: e["alpha_3"]):
        code = entry["alpha_3"]
        alpha3[entry["alpha_2"]] = code
        alpha3[code] = code
        for field in ("name", "common_name", "official_name"):
            if entry.get(field):
                names.setdefault(_key(entry[field]), code)
                translated = zh.gettext(entry[field])
                if translated != entry[field]:
                    names.setdefault(_key(translated), code)
        zh_names[code] = zh.gettext(entry["name"])
    alpha3.update(_EXTRA_CODES)
    for name, code in _EXTRA_NAMES.items():
        names[_key(name)] = code
    zh_names["XKX"] = "科索沃"
    lines = [
        '"""ISO 3166-1 country codes and names (by tools/build_countries.py; do not edit).',
        "",
        "Source: Debian iso-codes (ISO 3166-1 and its zh_CN translations).",
        '"""',
        "",
        "#: Alpha-2 and alpha-3 codes (and codes in common use) -> alpha-3.",
        "ALPHA3: dict[str, str] = {",
        *(f"    {_q(k)}: {_q(v)}," for k, v in sorted(alpha3.items())),
        "}",
        "",
        "#: Case-folded English and Chinese names without spaces -> alpha-3.",
        "BY_NAME: dict[str, str] = {",
        *(f"    {_q(k)}: {_q(v)}," for k, v in sorted(names.items())),
        "}",
        "",
        "#: Alpha-3 -> Chinese short name.",
        "NAME_ZH: dict[str, str] = {",
        *(f"    {_q(k)}: {_q(v)}," for k, v in sorted(zh_names.items())),
        "}",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    json_dir = Path(argv[0]) if argv else _JSON
    mo_file = Path(argv[1]) if len(argv) > 1 else _MO
    _OUT.write_text(build(json_dir, mo_file), "utf-8")
    print(f"wrote {_OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
