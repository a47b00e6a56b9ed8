"""Permissions, default and user-defined roles, users, and the permission check."""

from __future__ import annotations

import pytest

from custmaster.errors import EXIT_CODES, PermissionDenied, UsageError
from custmaster.privacy import access
from custmaster.privacy.access import DEFAULT_ROLES, Permission, Role, User, can, check

# The table of the issue and of docs/explanation/privacy.md, written out independently.
EXPECTED = {
    "operator": {"query", "entry"},
    "supervisor": {"query", "entry", "modify", "review", "export"},
    "auditor": {"query", "audit"},
    "administrator": {
        "query", "entry", "modify", "delete", "export", "reveal", "review", "audit", "administer"
    },
}  # fmt: skip


def test_the_permissions_are_those_the_requirement_names_plus_ours() -> None:
    assert [p.value for p in Permission] == [
        "query", "entry", "modify", "delete", "export", "reveal", "review", "audit", "administer"
    ]  # fmt: skip
    assert Permission.DELETE.label_zh == "删除"


def test_default_roles() -> None:
    assert {name: {p.value for p in role.permissions} for name, role in DEFAULT_ROLES.items()} == (
        EXPECTED
    )


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("permission", [p.value for p in Permission])
def test_each_operation_is_refused_without_its_permission_and_allowed_with_it(
    role: str, permission: str
) -> None:
    user = User("wang.fang", roles=[role])
    if permission in EXPECTED[role]:
        check(user, permission)
        assert can(user, permission)
        return
    assert not can(user, permission)
    with pytest.raises(PermissionDenied) as caught:
        check(user, permission)
    error = caught.value
    assert error.code == f"permission.{permission}"
    assert f"'{permission}'" in error.message
    assert Permission(permission).label_zh in error.message_cn
    assert role in str(error)
    assert "wang" not in str(error)


def test_permission_denied_is_a_permission_error_with_its_exit_code() -> None:
    with pytest.raises(PermissionError):
        check(User("li", roles=["operator"]), Permission.REVEAL)
    assert EXIT_CODES[PermissionDenied] == 77


def test_user_defined_roles_and_several_roles() -> None:
    claims = Role("claims_clerk", ["query", "REVIEW", Permission.ENTRY], "理赔录入")
    user = User("li.na", roles=[claims, "auditor"])
    assert user.permissions == {
        Permission.QUERY, Permission.REVIEW, Permission.ENTRY, Permission.AUDIT
    }  # fmt: skip
    check(user, "review")
    check(user, "audit")
    with pytest.raises(PermissionDenied, match=r"roles: claims_clerk, auditor"):
        check(user, "export")


def test_a_user_without_roles_may_do_nothing() -> None:
    user = User("guest")
    assert not any(can(user, p) for p in Permission)
    with pytest.raises(PermissionDenied, match=r"roles: none"):
        check(user, "query")


def test_a_single_role_or_permission_may_be_given_bare() -> None:
    assert User("a", roles="operator").roles == (access.OPERATOR,)
    assert Role("reader", "query").permissions == {Permission.QUERY}


@pytest.mark.parametrize("bad", ["read", "", "query "])
def test_unknown_permissions_are_usage_errors(bad: str) -> None:
    user = User("a", roles=["administrator"])
    if bad.strip() == "query":
        assert can(user, bad)
        return
    with pytest.raises(UsageError) as caught:
        can(user, bad)
    assert caught.value.code == "access.unknown_permission"
    with pytest.raises(UsageError):
        Role("x", [bad])


def test_unknown_role_names_and_bad_names_are_usage_errors() -> None:
    with pytest.raises(UsageError) as caught:
        User("a", roles=["superuser"])
    assert caught.value.code == "access.unknown_role"
    assert "operator" in caught.value.message
    with pytest.raises(UsageError) as caught:
        User("  ")
    assert caught.value.code == "access.bad_name"
    with pytest.raises(UsageError):
        Role("", ["query"])


def test_user_repr_masks_the_name() -> None:
    text = repr(User("欧阳娜娜", roles=["supervisor"], channel="counter"))
    assert text == "User(name='欧阳**', roles=('supervisor',), channel='counter')"


def test_roles_compare_by_name_and_permissions() -> None:
    assert Role("operator", ["entry", "query"]) == access.OPERATOR
    assert Role("operator", ["query"]) != access.OPERATOR


def test_every_permission_code_is_declared() -> None:
    for permission in Permission:
        assert f"permission.{permission.value}" in access.ERROR_CODES
