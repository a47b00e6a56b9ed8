"""Contact information from every channel: claim reports, telesales, face-to-face signing,
renewal-due lists and underwriting.

Each channel's files have their own columns for where a row comes from: a claim report has
its 报案号 and 报案时间 and the reporter's phone (报案人电话), a telesales log its 通话编号,
通话时间 and 坐席, a face-to-face signing its 面签日期 and 业务员, an underwriting list its
投保单号 and 核保时间. `PROFILES` holds one `custmaster.workflows.core_import.ImportProfile`
per channel with those headers; `import_channel_file` imports a file through one of them with
the engine of `custmaster.workflows.core_import.import_table`, so every row is tagged with its
channel and a source reference (the source's own number when the file has one, else
``<file stem>:<row number>``; underwriting rows naming a policy use ``<policy>#<sequence>``).

What arrives attaches to customers by the identity rules (`custmaster.resolve`): a resident ID
first, then the policy number, then the plate or VIN of a policy in force on the day the row
was observed. A claim report with only a plate and the reporter's phone thus reaches the
insured of the policy covering that day; a phone never attaches by itself.

The reporter of a claim or the person answering a telesales call is not always the insured:
their *name* is kept as an extra value (报案人; a telesales log's 客户姓名, often 张先生), never
as the customer's name; their phone becomes one more contact point of the customer, seen
through that channel.

>>> import tempfile, pathlib
>>> from custmaster.service import Service
>>> from custmaster.workflows.core_import import import_core_extract
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "core.csv").write_text(
...     "保单号,被保险人,身份证号,车牌号,起保日期,终保日期,签单日期\\n"
...     "PDAA2026001,张伟,11010519491231002X,闽D12388,2026-01-05,2027-01-04,2026-01-02\\n",
...     encoding="utf-8")
>>> _ = (folder / "claims.csv").write_text(
...     "报案号,报案时间,车牌号,报案人,报案人电话\\n"
...     "RP2026000123,2026-06-01 09:30,闽D·12388,李四,139 0013 9000\\n", encoding="utf-8")
>>> service = Service.open("memory://")
>>> _ = import_core_extract(service, folder / "core.csv")
>>> summary = import_channel_file(service, folder / "claims.csv", "claim_report")
>>> summary.merged, summary.channel
(1, 'claim_report')
>>> customer = service.find(plate="闽D12388")[0]
>>> [(p.value[-4:], dict(p.channels)) for p in customer.contact_points if p.kind.is_phone]
[('9000', {'claim_report': 1})]
>>> customer.name == "张伟"
True
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from custmaster.errors import UsageError
from custmaster.model.provenance import Channel
from custmaster.service import Service
from custmaster.store.base import Store
from custmaster.workflows.core_import import (
    CORE_SYSTEM,
    ImportProfile,
    ImportSummary,
    import_table,
)

__all__ = [
    "CLAIM_REPORT",
    "ERROR_CODES",
    "FACE_TO_FACE",
    "PROFILES",
    "RENEWAL_LIST",
    "TELESALES",
    "UNDERWRITING",
    "import_channel_file",
    "profile_for",
]

#: Every error code this module raises, with a one-line description.
ERROR_CODES: dict[str, str] = {
    "channel.unknown_profile": "No import profile for the channel asked for.",
}

#: Claim reports (报案): the report number and time, the reporter's phone.
CLAIM_REPORT = ImportProfile(
    channel=Channel.CLAIM_REPORT,
    meta_aliases={
        "source_ref": ("报案号", "报案编号", "报案号码", "赔案号"),
        "observed_at": ("报案时间", "报案日期"),
        "phone": ("报案人电话", "报案电话", "报案人手机", "联系人电话", "报案人联系电话"),
        "operator": ("接报案人", "受理人"),
    },
    description="claim reports (报案)",
)

#: Telesales call logs (电销): the call id and time, the agent.
TELESALES = ImportProfile(
    channel=Channel.TELESALES,
    meta_aliases={
        "source_ref": ("通话编号", "呼叫编号", "外呼编号", "通话流水号", "录音编号"),
        "observed_at": ("通话时间", "外呼时间", "呼叫时间", "通话日期"),
        "operator": ("坐席", "坐席工号", "座席", "坐席姓名", "电销专员"),
        "phone": ("客户电话", "外呼号码", "被叫号码"),
    },
    kept_as_extra=("name",),
    description="telesales call logs (电销)",
)

#: Face-to-face signing (面签): the signing form, date and agent.
FACE_TO_FACE = ImportProfile(
    channel=Channel.FACE_TO_FACE,
    meta_aliases={
        "source_ref": ("面签单号", "面签编号", "面签流水号"),
        "observed_at": ("面签日期", "面签时间"),
        "operator": ("业务员", "面签人员", "客户经理"),
    },
    description="face-to-face signing (面签)",
)

#: Renewal-due lists (续保到期): policies about to end, with the contacts known then.
RENEWAL_LIST = ImportProfile(
    channel=Channel.RENEWAL_LIST,
    meta_aliases={
        "source_ref": ("清单编号", "清单号"),
        "observed_at": ("清单日期", "生成日期", "提取日期", "制表日期"),
        "operator": ("跟进人", "续保专员"),
    },
    description="renewal-due lists (续保到期)",
)

#: Underwriting (承保): proposals underwritten and policies issued, with payment.
UNDERWRITING = ImportProfile(
    channel=Channel.UNDERWRITING,
    meta_aliases={
        "source_ref": ("投保单号", "投保单号码"),
        "observed_at": (
            "核保时间",
            "核保日期",
            "承保日期",
            "承保时间",
            "核保通过时间",
            "投保日期",
        ),
        "operator": ("核保人", "出单员", "核保员"),
    },
    policy_refs=True,
    description="underwriting (承保)",
)

#: The import profile of each channel, by channel code.
PROFILES: Mapping[str, ImportProfile] = {
    profile.channel.code: profile
    for profile in (CORE_SYSTEM, CLAIM_REPORT, TELESALES, FACE_TO_FACE, RENEWAL_LIST, UNDERWRITING)
}


def profile_for(channel: str | Channel | ImportProfile) -> ImportProfile:
    """The profile of a channel (code, `custmaster.Channel` or a profile itself).

    >>> profile_for("telesales").description
    'telesales call logs (电销)'
    >>> profile_for("fax")
    Traceback (most recent call last):
        ...
    custmaster.errors.UsageError: [channel.unknown_profile] No import profile for the channel ...
    """
    if isinstance(channel, ImportProfile):
        return channel
    code = channel.code if isinstance(channel, Channel) else str(channel).strip()
    profile = PROFILES.get(code)
    if profile is None:
        raise UsageError(
            f"No import profile for the channel {code[:40]!r}; known: {', '.join(PROFILES)}. "
            "Build an ImportProfile for another channel.",
            code="channel.unknown_profile",
            message_zh=f"没有渠道 {code[:40]!r} 的导入配置。",
        )
    return profile


def import_channel_file(
    target: Service | Store,
    path: str | Path,
    channel: str | Channel | ImportProfile,
    **options: Any,
) -> ImportSummary:
    """Import a file of one channel (``claim_report``, ``telesales``, ``face_to_face``,
    ``renewal_list``, ``underwriting``, ``core_system``, or your own `ImportProfile`).

    Takes the options of `custmaster.workflows.core_import.import_table`.
    """
    return import_table(target, path, profile_for(channel), **options)
