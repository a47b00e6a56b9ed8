"""Seeded synthetic source records for the store benchmark: ~3.3 records per customer.

Each customer gets a core-system record (resident ID, name, mobile, address, a compulsory
policy with plate and VIN) and, with fixed probabilities, a commercial policy, a telesales
call (same ID; a new address or mobile now and then), a claim report without ID (name, mobile,
plate: resolved through the plate) and a renewal-list row (name, policy number, mobile:
resolved through the policy). Two in a hundred customers share a relative's phone. Records
of a window of customers are shuffled together with the other channels' records of the
window before; a few claims arrive before their policy (such a claim becomes a customer of
its own and is joined when the policy arrives).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from custmaster.model import Provenance, SourceRecord
from custmaster.testing.strategies import resident_id_check_char, vin_check_digit

REGIONS = ("110105", "310104", "350203", "440305", "330106", "320102", "510104", "420106")
PROVINCES = ("京", "沪", "闽", "粤", "浙", "苏", "川", "鄂")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
CITIES = ("北京市朝阳区", "上海市徐汇区", "福建省厦门市思明区", "广东省深圳市南山区")
ROADS = ("建国路", "漕溪北路", "湖滨南路", "深南大道", "中山路")
_DAYS = 18_000
_BASE = dt.date(1950, 1, 1)


def resident_id(i: int) -> str:
    """A valid 18-digit resident ID, different for every ``i`` below 144 million."""
    region = REGIONS[i % len(REGIONS)]
    rest = i // len(REGIONS)
    birth = _BASE + dt.timedelta(days=rest % _DAYS)
    body = f"{region}{birth:%Y%m%d}{(rest // _DAYS) % 1000:03d}"
    return body + resident_id_check_char(body)


def mobile(i: int) -> str:
    """A mobile number, different for every ``i`` below 100 million."""
    return f"138{i % 100_000_000:08d}"


def plate(i: int) -> str:
    """A plate, different for every ``i`` below 20.8 million."""
    province = PROVINCES[(i // 100_000) % len(PROVINCES)]
    letter = "ABCDEFGHJK"[(i // 800_000) % 10]
    return f"{province}{letter}{i % 100_000:05d}"


def vin(i: int) -> str:
    """A VIN with a correct check digit."""
    raw = f"LSVAU218_N{i % 10_000_000:07d}"
    return raw[:8] + vin_check_digit(raw) + raw[9:]


def name(rng: random.Random) -> str:
    """A two- or three-character Chinese name."""
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def address(rng: random.Random) -> str:
    """A street address."""
    return f"{rng.choice(CITIES)}{rng.choice(ROADS)}{rng.randint(1, 999)}号"


def customer_records(i: int, rng: random.Random) -> list[SourceRecord]:
    """The records of customer ``i``."""
    who = name(rng)
    rid = resident_id(i)
    phone = mobile(i - 1 if i and rng.random() < 0.02 else i)
    start = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(365))
    end = start + dt.timedelta(days=364)
    day = dt.datetime.combine(start, dt.time(9), dt.timezone(dt.timedelta(hours=8)))
    records = [
        SourceRecord(
            provenance=Provenance(channel="core_system", source_ref=f"core-{i}", observed_at=day),
            resident_id=rid,
            name=who,
            mobile=phone,
            address=address(rng),
            postcode="100020",
            policy_no=f"PDAA2026{i:08d}",
            line="compulsory",
            role="insured",
            cover_start=start,
            cover_end=end,
            plate=plate(i),
            vin=vin(i),
            make_model="大众FV7152FADBG",
            first_registered=start - dt.timedelta(days=rng.randrange(3000)),
        )
    ]
    if rng.random() < 0.5:
        records.append(
            SourceRecord(
                provenance=Provenance(
                    channel="core_system", source_ref=f"core-z-{i}", observed_at=day
                ),
                resident_id=rid,
                name=who,
                policy_no=f"PDZA2026{i:08d}",
                line="commercial",
                cover_start=start,
                cover_end=end,
                plate=plate(i),
            )
        )
    if rng.random() < 0.8:
        records.append(
            SourceRecord(
                provenance=Provenance(
                    channel="telesales",
                    source_ref=f"ts-{i}",
                    observed_at=day + dt.timedelta(days=rng.randrange(1, 200)),
                    operator="坐席01",
                ),
                resident_id=rid,
                mobile=mobile(i + 50_000_000) if rng.random() < 0.2 else phone,
                address=address(rng) if rng.random() < 0.3 else None,
            )
        )
    if rng.random() < 0.5:
        records.append(
            SourceRecord(
                provenance=Provenance(
                    channel="claim_report",
                    source_ref=f"claim-{i}",
                    observed_at=day + dt.timedelta(days=rng.randrange(1, 300)),
                ),
                name=who,
                mobile=phone,
                plate=plate(i),
            )
        )
    if rng.random() < 0.5:
        records.append(
            SourceRecord(
                provenance=Provenance(
                    channel="renewal_list",
                    source_ref=f"renew-{i}",
                    observed_at=day + dt.timedelta(days=330),
                ),
                name=who,
                policy_no=f"PDAA2026{i:08d}",
                mobile=phone,
            )
        )
    return records


def records(n: int, seed: int = 2026, window: int = 2000) -> Iterator[SourceRecord]:
    """``n`` records, a window of ``window`` customers at a time, shuffled.

    A customer's core-system records come in its own window, the others (telesales, claims,
    renewal lists) in the next one, except 3 in a hundred claims that come early and may
    precede the policy they claim on.
    """
    rng = random.Random(seed)
    made = 0
    customer = 0
    later: list[SourceRecord] = []
    while made < n:
        batch, later = later, []
        for _ in range(window):
            for record in customer_records(customer, rng):
                channel = record.provenance.channel.code
                early = channel == "claim_report" and rng.random() < 0.03
                (batch if channel == "core_system" or early else later).append(record)
            customer += 1
        rng.shuffle(batch)
        for record in batch[: n - made]:
            yield record
        made += min(len(batch), n - made)
