"""Access control: permissions, roles and users, and the check every operation goes through.

The permissions are those the branch's requirement names (query, entry, modify, delete)
plus export, reveal (see a value unmasked), review (decide candidate pairs), audit (read and
export the audit log and quality reports) and administer (users, roles, keys, erasure).

| role | permissions |
| --- | --- |
| ``operator`` | query, entry |
| ``supervisor`` | query, entry, modify, review, export |
| ``auditor`` | query, audit |
| ``administrator`` | all |

User-defined roles are `Role` objects with any set of permissions. A `User` holds roles,
given as `Role` objects or by the names of the default roles. `check` raises
`custmaster.PermissionDenied`, with the code ``permission.<name>`` and a message naming the
permission missing; `can` answers the same question without raising. Masked exports still
need ``export`` (PRIVACY.md rule 3); showing a full value needs ``reveal`` and an explicit
request, which the service layer audits.

>>> clerk = User("wang.fang", roles=["operator"], channel="counter")
>>> can(clerk, "query"), can(clerk, Permission.EXPORT)
(True, False)
>>> check(clerk, "export")
Traceback (most recent call last):
    ...
custmaster.errors.PermissionDenied: [permission.export] The permission 'export' is missing ...
>>> claims = Role("claims_clerk", {"query", "entry", "review"})
>>> check(User("li.na", roles=[claims, "auditor"]), "review")
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType

import attrs

from custmaster.errors import PermissionDenied, UsageError
from custmaster.privacy.masking import mask

__all__ = [
    "ADMINISTRATOR",
    "AUDITOR",
    "DEFAULT_ROLES",
    "ERROR_CODES",
    "OPERATOR",
    "SUPERVISOR",
    "Permission",
    "Role",
    "User",
    "can",
    "check",
]


class Permission(str, enum.Enum):
    """One thing a user may do. The value is the stable name used in codes and config."""

    #: Look up and read customers (masked).
    QUERY = "query"
    #: Add observations: imports, operator entry, call-back results.
    ENTRY = "entry"
    #: Correct values, mark numbers wrong, merge and split customers.
    MODIFY = "modify"
    #: Delete records (erase, restrict).
    DELETE = "delete"
    #: Export data, masked or not (a masked export is still personal information).
    EXPORT = "export"
    #: See a value unmasked (each reveal is audited).
    REVEAL = "reveal"
    #: Decide candidate pairs: same customer or not.
    REVIEW = "review"
    #: Read and export the audit log and the data-quality reports.
    AUDIT = "audit"
    #: Manage users, roles, keys and the store.
    ADMINISTER = "administer"

    @property
    def label_zh(self) -> str:
        """The permission's Chinese name."""
        return _LABELS_ZH[self]

    @classmethod
    def get(cls, value: Permission | str) -> Permission:
        """The permission named ``value``; raises `custmaster.UsageError` for an unknown name."""
        if isinstance(value, Permission):
            return value
        try:
            return cls(value.strip().lower() if isinstance(value, str) else value)
        except ValueError:
            names = ", ".join(p.value for p in cls)
            raise UsageError(
                f"Unknown permission {value!r}; the permissions are: {names}.",
                code="access.unknown_permission",
                message_zh=f"未知权限 {value!r}；可用权限：{names}。",
            ) from None


_LABELS_ZH: Mapping[Permission, str] = MappingProxyType(
    {
        Permission.QUERY: "查询",
        Permission.ENTRY: "录入",
        Permission.MODIFY: "修改",
        Permission.DELETE: "删除",
        Permission.EXPORT: "导出",
        Permission.REVEAL: "查看明文",
        Permission.REVIEW: "审核",
        Permission.AUDIT: "审计",
        Permission.ADMINISTER: "管理",
    }
)

ERROR_CODES: dict[str, str] = {
    **{
        f"permission.{p.value}": f"The acting user lacks the '{p.value}' permission."
        for p in Permission
    },
    "access.unknown_permission": "A permission name is not one of custmaster's permissions.",
    "access.unknown_role": "A role given by name is not one of the default roles.",
    "access.bad_name": "A user or role name is empty or not text.",
}


def _permissions(value: Iterable[Permission | str]) -> frozenset[Permission]:
    if isinstance(value, (str, Permission)):
        value = (value,)
    return frozenset(Permission.get(p) for p in value)


def _name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(
            "A user or role name must be non-empty text.",
            code="access.bad_name",
            message_zh="用户名或角色名须为非空文本。",
        )
    return value.strip()


@attrs.frozen
class Role:
    """A named set of permissions.

    >>> Role("reader", ["query"]).permissions
    frozenset({<Permission.QUERY: 'query'>})
    """

    name: str = attrs.field(converter=_name)
    permissions: frozenset[Permission] = attrs.field(converter=_permissions)
    description: str = attrs.field(default="", eq=False)


OPERATOR = Role("operator", {Permission.QUERY, Permission.ENTRY}, "Enters and looks up customers.")
SUPERVISOR = Role(
    "supervisor",
    {Permission.QUERY, Permission.ENTRY, Permission.MODIFY, Permission.REVIEW, Permission.EXPORT},
    "Corrects records, decides candidate pairs and exports.",
)
AUDITOR = Role(
    "auditor",
    {Permission.QUERY, Permission.AUDIT},
    "Reads customers masked, the audit log and quality reports.",
)
ADMINISTRATOR = Role("administrator", set(Permission), "Everything, including reveal and delete.")

#: The default roles by name.
DEFAULT_ROLES: Mapping[str, Role] = MappingProxyType(
    {r.name: r for r in (OPERATOR, SUPERVISOR, AUDITOR, ADMINISTRATOR)}
)


def _role(value: Role | str) -> Role:
    if isinstance(value, Role):
        return value
    role = DEFAULT_ROLES.get(value.strip().lower()) if isinstance(value, str) else None
    if role is None:
        names = ", ".join(DEFAULT_ROLES)
        raise UsageError(
            f"Unknown role {value!r}: give a Role object or one of: {names}.",
            code="access.unknown_role",
            message_zh=f"未知角色 {value!r}：请传入 Role 对象或以下之一：{names}。",
        )
    return role


def _roles(value: Iterable[Role | str]) -> tuple[Role, ...]:
    if isinstance(value, (str, Role)):
        value = (value,)
    return tuple(_role(r) for r in value)


def _user_repr(name: str) -> str:
    return repr(mask("operator", name))


@attrs.frozen
class User:
    """The acting user: a name (login or staff ID), roles and the channel they act through.

    The name is masked in ``repr`` like any person's name.

    >>> User("王芳", roles=["supervisor"])
    User(name='王*', roles=('supervisor',), channel=None)
    """

    name: str = attrs.field(converter=_name, repr=_user_repr)
    roles: tuple[Role, ...] = attrs.field(
        default=(), converter=_roles, repr=lambda roles: repr(tuple(r.name for r in roles))
    )
    channel: str | None = None

    @property
    def permissions(self) -> frozenset[Permission]:
        """Every permission any of the user's roles grants."""
        return frozenset().union(*(r.permissions for r in self.roles))


def can(user: User, permission: Permission | str) -> bool:
    """Whether ``user`` holds ``permission`` through any role.

    An unknown permission name raises `custmaster.UsageError` rather than answering False.
    """
    return Permission.get(permission) in user.permissions


def check(user: User, permission: Permission | str) -> None:
    """Return if ``user`` holds ``permission``; else raise `custmaster.PermissionDenied`.

    The error's code is ``permission.<name>``; its message names the permission and the
    user's roles (not the user).
    """
    wanted = Permission.get(permission)
    if wanted in user.permissions:
        return
    roles = ", ".join(r.name for r in user.roles) or "none"
    raise PermissionDenied(
        f"The permission '{wanted.value}' is missing (roles: {roles}).",
        code=f"permission.{wanted.value}",
        message_zh=f"缺少“{wanted.label_zh}”（{wanted.value}）权限（角色：{roles}）。",
    )
