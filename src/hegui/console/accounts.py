"""Console users and roles: admin (everything), reviewer (review queue), auditor (read-only).

Passwords are hashed with argon2id (argon2-cffi); only the hash is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, insert, select, update

from hegui.console import tables as t
from hegui.console.errors import ConsoleError

USERNAME = re.compile(r"\w[\w.@-]{0,63}")
"""Letters (Chinese included), digits, ``_ . @ -``; no spaces or markup."""
MIN_PASSWORD = 10
LANGUAGES = ("zh", "en")


class Role(StrEnum):
    """What a console user may do."""

    ADMIN = "admin"
    """Everything: runs, review, gateway actions, console users."""
    REVIEWER = "reviewer"
    """Read runs and label answers in the review queue."""
    AUDITOR = "auditor"
    """Read everything, including the audit log; change nothing."""


@dataclass(frozen=True, slots=True)
class ConsoleUser:
    """A console user as the app sees it (never the hash)."""

    username: str
    role: Role
    language: str | None
    disabled: bool
    created_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


def check_username(username: str) -> str:
    """The username, or a :class:`ConsoleError` saying which characters are allowed."""
    if not USERNAME.fullmatch(username):
        raise ConsoleError(
            f"invalid username {username!r}: use 1-64 letters (汉字 too), digits, "
            "'_', '.', '@' or '-', starting with a letter or digit",
            field="username",
        )
    return username


def check_password(password: str) -> str:
    """The password, or a :class:`ConsoleError` when it is too short."""
    if len(password) < MIN_PASSWORD:
        raise ConsoleError(
            f"the password must have at least {MIN_PASSWORD} characters", field="password"
        )
    return password


def parse_role(value: str) -> Role:
    """A role from its name, or a :class:`ConsoleError` listing the roles."""
    try:
        return Role(value)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise ConsoleError(f"unknown role {value!r}; use one of {names}", field="role") from None


class AccountStore:
    """Console users in the store database."""

    def __init__(self, engine: Engine, hasher: PasswordHasher | None = None) -> None:
        self.engine = engine
        self.hasher = hasher or PasswordHasher()
        # verifying an unknown user costs one hash too, so timing does not reveal names
        self._dummy = self.hasher.hash("hegui-console-dummy-password")

    def create(
        self, username: str, password: str, role: Role, *, language: str | None = None
    ) -> ConsoleUser:
        """Add a user; a :class:`ConsoleError` when the name is taken or invalid."""
        check_username(username)
        check_password(password)
        if language is not None and language not in LANGUAGES:
            raise ConsoleError(f"unknown language {language!r}; use zh or en", field="language")
        if self.find(username) is not None:
            raise ConsoleError(f"user {username!r} exists already", field="username")
        now = _now()
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.users).values(
                    username=username,
                    password_hash=self.hasher.hash(password),
                    role=role.value,
                    language=language,
                    disabled=False,
                    created_at=now,
                    updated_at=now,
                )
            )
        return self.get(username)

    def find(self, username: str) -> ConsoleUser | None:
        """The user, or ``None``."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.users).where(t.users.c.username == username)).first()
        if row is None:
            return None
        return ConsoleUser(
            username=row.username,
            role=Role(row.role),
            language=row.language,
            disabled=bool(row.disabled),
            created_at=row.created_at,
        )

    def get(self, username: str) -> ConsoleUser:
        """The user, or a :class:`ConsoleError`."""
        user = self.find(username)
        if user is None:
            raise ConsoleError(f"no console user {username!r}", field="username")
        return user

    def list(self) -> list[ConsoleUser]:
        """Every user, by name."""
        with self.engine.connect() as conn:
            names = conn.execute(select(t.users.c.username).order_by(t.users.c.username)).all()
        return [self.get(r.username) for r in names]

    def authenticate(self, username: str, password: str) -> ConsoleUser | None:
        """The user when the password matches and the account is enabled, else ``None``."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.users.c.password_hash, t.users.c.disabled).where(
                    t.users.c.username == username
                )
            ).first()
        stored = row.password_hash if row is not None else self._dummy
        try:
            self.hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if row is None or row.disabled:
            return None
        if self.hasher.check_needs_rehash(stored):
            self._update(username, password_hash=self.hasher.hash(password))
        return self.get(username)

    def set_password(self, username: str, password: str) -> None:
        """Replace a user's password."""
        self.get(username)
        self._update(username, password_hash=self.hasher.hash(check_password(password)))

    def set_role(self, username: str, role: Role) -> None:
        """Change a user's role (it applies from the user's next request)."""
        self.get(username)
        self._update(username, role=role.value)

    def set_disabled(self, username: str, disabled: bool) -> None:
        """Disable or enable a user; a disabled user's sessions stop working at once."""
        self.get(username)
        self._update(username, disabled=disabled)

    def set_language(self, username: str, language: str | None) -> None:
        """The user's UI language (``None`` follows the browser)."""
        if language is not None and language not in LANGUAGES:
            raise ConsoleError(f"unknown language {language!r}; use zh or en", field="language")
        self._update(username, language=language)

    def _update(self, username: str, **values: object) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(t.users)
                .where(t.users.c.username == username)
                .values(updated_at=_now(), **values)
            )
