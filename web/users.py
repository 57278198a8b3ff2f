"""Staff accounts: creation, roles, the first admin."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from earful.models import ROLES, User


class UserError(ValueError):
    pass


def create_user(session: Session, username: str, password: str, role: str = "agent",
                display_name: str = "", languages: str = "") -> User:
    username = username.strip()
    if not username or len(username) > 80:
        raise UserError("a username of 1-80 characters is required")
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < 8:
        raise UserError("passwords need at least 8 characters")
    if session.scalar(select(User).where(User.username == username)):
        raise UserError(f"user {username!r} already exists")
    user = User(username=username, display_name=display_name or username, role=role,
                password_hash=generate_password_hash(password), languages=languages)
    session.add(user)
    session.flush()
    return user


def ensure_admin(session: Session, password: str | None) -> str | None:
    """Create the first admin if there is no admin; return the generated password, if any."""
    if session.scalar(select(func.count()).select_from(User).where(User.role == "admin")):
        return None
    generated = None
    if not password:
        password = generated = secrets.token_urlsafe(12)
    create_user(session, "admin", password, role="admin", display_name="Administrator")
    return generated


def verify_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)
