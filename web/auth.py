"""Sign-in (Flask-Login sessions, werkzeug password hashes) and server-side role checks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from earful.clock import now
from earful.models import ROLES, User
from web.db import get_db
from web.users import verify_password

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
F = TypeVar("F", bound=Callable[..., Any])


class StaffUser(UserMixin):
    """The signed-in user as Flask-Login sees it (a detached copy of the row's fields)."""

    def __init__(self, row: User) -> None:
        self.id = row.id
        self.username = row.username
        self.display_name = row.display_name
        self.role = row.role

    def has_role(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str) -> StaffUser | None:
    row = get_db().get(User, int(user_id))
    return StaffUser(row) if row is not None and row.active else None


def role_required(role: str) -> Callable[[F], F]:
    """Refuse (403) anyone below `role`; checked on the server for every route that uses it."""
    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)
        wrapped.min_role = role  # type: ignore[attr-defined]  # read by the every-route test
        return wrapped  # type: ignore[return-value]
    return decorator


def safe_next(target: str | None) -> str:
    """Only local paths: never an open redirect after sign-in."""
    if not target:
        return url_for("inbox.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return url_for("inbox.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        return render_template("login.html", next=request.args.get("next", ""))
    session = get_db()
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    user = session.scalar(select(User).where(User.username == username))
    if user is not None and user.locked_until is not None and user.locked_until > now():
        flash("Too many failed attempts. Try again later.", "error")
        return render_template("login.html", next=request.form.get("next", "")), 429
    # Hash even for an unknown name, so response time does not reveal which usernames exist.
    password_ok = verify_password(user, password) if user is not None else _dummy_check(password)
    if user is None or not user.active or not password_ok:
        if user is not None:
            _count_failure(user.id)
        flash("Unknown username or wrong password.", "error")
        return render_template("login.html", next=request.form.get("next", "")), 401
    user.failed_logins = 0
    user.locked_until = None
    session.commit()
    login_user(StaffUser(user))
    return redirect(safe_next(request.form.get("next")))


def _count_failure(user_id: int) -> None:
    """Atomic increment in SQL: parallel guesses cannot slip past the lockout."""
    session = get_db()
    session.rollback()
    session.execute(update(User).where(User.id == user_id).values(
        failed_logins=User.failed_logins + 1))
    session.execute(update(User).where(User.id == user_id,
                                       User.failed_logins >= MAX_FAILURES).values(
        locked_until=now() + LOCKOUT, failed_logins=0))
    session.commit()


_DUMMY_HASH = generate_password_hash("earful-timing-equaliser")


def _dummy_check(password: str) -> bool:
    check_password_hash(_DUMMY_HASH, password)
    return False


@bp.post("/logout")
@login_required
def logout() -> Any:
    logout_user()
    return redirect(url_for("auth.login"))
