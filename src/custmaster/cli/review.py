"""``custmaster candidates`` and ``custmaster decide``: the review queue of possible duplicates.

Thin skins over the store's `candidates` and `decide` (`custmaster.service.Service`).
"""

from __future__ import annotations

import click
from rich.table import Table

from custmaster.cli._common import console, open_service, say, store_options
from custmaster.errors import UsageError
from custmaster.resolve.candidates import PairStatus

__all__ = ["candidates", "decide"]


@click.command()
@store_options
@click.option(
    "--status",
    type=click.Choice(["open", "merged", "kept_apart", "superseded", "all"]),
    default="open",
    show_default=True,
    help="Which pairs to list.",
)
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True, metavar="N",
              help="Pairs shown.")  # fmt: skip
def candidates(
    *, store_url: str, user: str | None, roles: tuple[str, ...], status: str, limit: int
) -> None:
    """List candidate pairs: two customers that may be one person, for review.

    Each pair has an id, the two customer ids, the reasons (policy_id_conflict 同一保单不同证件,
    name_conflict 同一保单或车辆不同姓名, shared_phone 共用电话, same_name_birth_date 同名同生日 …),
    its priority and the evidence, masked. Highest priority first. Decide with
    ``custmaster decide``.

    Example:

        custmaster candidates --status open
    """
    out = console()
    with open_service(store_url, user, roles) as service:
        pairs = service.candidates(None if status == "all" else PairStatus(status))
    table = Table(title=f"Candidate pairs 待审核: {len(pairs)} ({status})", title_justify="left")
    for header in ("pair", "customers", "priority", "reasons", "evidence (masked)", "status"):
        table.add_column(header)
    for pair in pairs[:limit]:
        evidence = "; ".join(f"{e.field}: {e.a} | {e.b} ({e.note})" for e in pair.evidence)
        table.add_row(
            pair.id,
            f"{pair.a} ~ {pair.b}",
            pair.priority.value,
            ", ".join(r.value for r in pair.reasons),
            evidence,
            pair.status.value,
        )
    out.print(table)
    if len(pairs) > limit:
        say(out, f"… {len(pairs) - limit} more (--limit).")


@click.command()
@click.argument("pair_id", metavar="PAIR_ID")
@store_options
@click.option("--merge", "action", flag_value="merge", help="They are one customer: merge them.")
@click.option(
    "--keep-apart", "action", flag_value="keep_apart", help="They are different customers."
)
@click.option("--by", "by", metavar="NAME", help="Who decides (recorded). Default: --user.")
@click.option("--note", metavar="TEXT", help="Why (kept with the decision).")
def decide(
    *,
    pair_id: str,
    store_url: str,
    user: str | None,
    roles: tuple[str, ...],
    action: str | None,
    by: str | None,
    note: str | None,
) -> None:
    """Decide candidate pair PAIR_ID: --merge (one customer) or --keep-apart (two).

    A merge keeps the first customer's id; the other id becomes an alias that still resolves,
    and the merge can be undone with a split. Keeping apart is remembered: the pair is not
    proposed again. The decision records who decided (--by or --user).

    Exits 0 on success, 64 without --merge/--keep-apart or a decider, or for a pair already
    decided, 66 for an unknown pair, 77 without the review permission.

    Example:

        custmaster decide P00000001 --keep-apart --by 李娜 --note "父子, 不同人"
    """
    if action is None:
        raise UsageError(
            "Say --merge or --keep-apart.", message_zh="请指定 --merge 或 --keep-apart。"
        )
    out = console()
    with open_service(store_url, user, roles) as service:
        decision = service.decide(pair_id, merge=action == "merge", by=by, note=note)
    verb = "merged into" if action == "merge" else "kept apart from"
    say(out, f"Pair {pair_id}: {decision.b} {verb} {decision.a} (decision recorded).")
