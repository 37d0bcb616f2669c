"""Who may see and do what: sign-in through Streamlit's OpenID Connect (``st.login``) and reviewed roles.

Roles, each including the ones before it:

- ``analyst``: read the dashboards (overview, trends, compare, country profile, stored data);
- ``coordinator``: also the survey check and verification decisions;
- ``admin``: also ingestion and uploads.

Who has which role is reviewed configuration, ``config/access.yaml`` (or the file named by
``RANKINGS_ACCESS``): e-mail addresses and identity-provider groups mapped to roles. Without a configured
provider (no ``[auth]`` section in Streamlit's secrets) the app runs in a clearly announced local single-user
mode in which the one local user has every role.

Authorisation is enforced by every page and every action through :func:`require`, not only by hiding pages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROLES = ("analyst", "coordinator", "admin")
DEFAULT_ACCESS_FILE = Path(__file__).resolve().parents[1] / "config" / "access.yaml"


class AccessConfigError(Exception):
    """The access configuration cannot be read (a deployment error, shown to the admin, never a traceback)."""


@dataclass(frozen=True)
class User:
    email: str | None
    name: str
    roles: frozenset[str]
    local: bool = False  # local single-user mode: no sign-in configured
    groups: tuple[str, ...] = field(default_factory=tuple)

    def may(self, role: str) -> bool:
        return role in self.roles


def grant(role: str | None) -> frozenset[str]:
    """A role and every role below it."""
    if role is None:
        return frozenset()
    if role not in ROLES:
        raise AccessConfigError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    return frozenset(ROLES[: ROLES.index(role) + 1])


def access_file() -> Path:
    return Path(os.environ.get("RANKINGS_ACCESS", DEFAULT_ACCESS_FILE))


@cache
def _load(path: Path, mtime: float) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise AccessConfigError(f"{path}: the access configuration cannot be read ({exc})") from None
    if not isinstance(raw, dict):
        raise AccessConfigError(f"{path}: expected a mapping with 'users' and 'groups'")
    users = {str(k).strip().lower(): str(v) for k, v in (raw.get("users") or {}).items()}
    groups = {str(k).strip(): str(v) for k, v in (raw.get("groups") or {}).items()}
    default = raw.get("default_role")
    for who, role in [*users.items(), *groups.items(), ("default_role", default)]:
        if role is not None and role not in ROLES:
            raise AccessConfigError(f"{path}: {who}: unknown role {role!r}; roles are {', '.join(ROLES)}")
    return {
        "users": users,
        "groups": groups,
        "default_role": default,
        "groups_claim": raw.get("groups_claim", "groups"),
    }


def config() -> dict[str, Any]:
    path = access_file()
    if not path.exists():
        return {"users": {}, "groups": {}, "default_role": None, "groups_claim": "groups"}
    return _load(path, path.stat().st_mtime)


def roles_for(email: str | None, groups: list[str] | tuple[str, ...]) -> frozenset[str]:
    """Every role the configuration gives this e-mail address or any of these groups (the highest wins)."""
    cfg = config()
    found: set[str] = set()
    if email and email.strip().lower() in cfg["users"]:
        found |= grant(cfg["users"][email.strip().lower()])
    for group in groups:
        if group in cfg["groups"]:
            found |= grant(cfg["groups"][group])
    if not found and cfg["default_role"]:
        found |= grant(cfg["default_role"])
    return frozenset(found)


def from_claims(claims: dict[str, Any]) -> User:
    """The signed-in user from the identity token's claims."""
    email = claims.get("email") or claims.get("preferred_username") or claims.get("upn")
    raw_groups = claims.get(config()["groups_claim"]) or []
    groups = tuple(str(g) for g in (raw_groups if isinstance(raw_groups, list | tuple) else [raw_groups]))
    name = str(claims.get("name") or email or claims.get("sub") or "signed-in user")
    return User(email=str(email) if email else None, name=name, roles=roles_for(email, groups), groups=groups)


LOCAL_USER = User(email=None, name="local user", roles=frozenset(ROLES), local=True)
