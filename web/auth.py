"""Sign-in (Flask-Login sessions, werkzeug password hashes) and server-side role checks.

A session (and a remember cookie) holds "<user id>:<session_version>"; the loader refuses any other
version, so sign-out, a new password, a role change or deactivation (`end_sessions`) ends every
session of the user, including a cookie copied elsewhere before. Sign-in failures are throttled
per account (lockout, in the database) and per client address (web.throttle), answered with one
message whatever the reason, and audited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from earful.clock import now
from earful.models import ROLES, User
from earful.work.audit import audit
from web.db import get_db, get_runtime
from web.params import ascii_int
from web.throttle import AddressThrottle
from web.users import verify_password

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
# One answer for a wrong name, a wrong password, a locked account and a throttled address, so
# the answer never tells a guesser which names exist or which accounts they have locked.
REFUSED = "Unknown username or wrong password, or too many attempts: try again later."
F = TypeVar("F", bound=Callable[..., Any])


class StaffUser(UserMixin):
    """The signed-in user as Flask-Login sees it (a detached copy of the row's fields)."""

    def __init__(self, row: User) -> None:
        self.id = row.id
        self.username = row.username
        self.display_name = row.display_name
        self.role = row.role
        self.session_version = row.session_version

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def has_role(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    console = app.config["EARFUL_RUNTIME"].settings.console
    app.extensions["earful_throttle"] = AddressThrottle(
        console.signin_failures_per_address,
        timedelta(seconds=console.signin_address_window_seconds))


@login_manager.user_loader
def load_user(user_id: str) -> StaffUser | None:
    """The user of a session or remember cookie, only while its session version is current."""
    ident, _, version = user_id.partition(":")
    user_number, version_number = ascii_int(ident), ascii_int(version)
    if user_number is None or version_number is None:
        return None  # a cookie from before session versions, or a forged one
    if request.method in ("GET", "HEAD"):
        return _current(get_db().get(User, user_number), version_number)
    # A change's own session takes the write lock when first used (web.db); reading the
    # user apart lets a view read before it and hold the lock only while it writes.
    with get_runtime().sessions() as reading:
        return _current(reading.get(User, user_number), version_number)


def _current(row: User | None, version: int) -> StaffUser | None:
    if row is None or not row.active or row.session_version != version:
        return None
    return StaffUser(row)


def end_sessions(session: Session, user: User) -> None:
    """Every session and remember cookie of `user` stops working (the caller commits)."""
    user.session_version = (user.session_version or 0) + 1


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
    username = request.form.get("username", "").strip()[:80]
    password = request.form.get("password", "")[:1024]
    address = request.remote_addr or "unknown"
    throttle: AddressThrottle = current_app.extensions["earful_throttle"]
    user = session.scalar(select(User).where(User.username == username))
    # Hash even for an unknown name or a refused attempt, so response time reveals nothing.
    password_ok = verify_password(user, password) if user is not None else _dummy_check(password)
    reason = ("address throttled" if throttle.blocked(address) else
              "unknown username" if user is None else
              "account locked" if user.locked_until is not None and user.locked_until > now() else
              "account inactive" if not user.active else
              "wrong password" if not password_ok else None)
    if reason is not None:
        _refuse(user, username, address, reason, throttle)
        flash(REFUSED, "error")
        return render_template("login.html", next=request.form.get("next", "")), 401
    user.failed_logins = 0
    user.locked_until = None
    audit(session, user.id, "auth.sign_in", "user", user.id, address=address)
    session.commit()
    login_user(StaffUser(user))
    return redirect(safe_next(request.form.get("next")))


def _refuse(user: User | None, username: str, address: str, reason: str,
            throttle: AddressThrottle) -> None:
    """Count the failure (per account and per address) and audit it, and a lockout it causes."""
    session = get_db()
    session.rollback()
    if user is not None and reason == "wrong password":
        if _count_failure(user.id):
            audit(session, None, "auth.lockout", "user", user.id, username=user.username,
                  address=address, minutes=int(LOCKOUT.total_seconds() // 60))
    audit(session, None, "auth.failure", "user", user.id if user else "",
          username=username, address=address, reason=reason)
    if reason != "address throttled" and throttle.failed(address):
        audit(session, None, "auth.address_throttled", "address", address[:80],
              failures=throttle.limit, minutes=int(throttle.window.total_seconds() // 60))
    session.commit()


def _count_failure(user_id: int) -> bool:
    """Atomic increment in SQL: parallel guesses cannot slip past the lockout. True: locked now."""
    session = get_db()
    session.execute(update(User).where(User.id == user_id).values(
        failed_logins=User.failed_logins + 1))
    locked = session.execute(update(User).where(User.id == user_id,
                                                User.failed_logins >= MAX_FAILURES).values(
        locked_until=now() + LOCKOUT, failed_logins=0))
    return bool(locked.rowcount)


_DUMMY_HASH = generate_password_hash("earful-timing-equaliser")


def _dummy_check(password: str) -> bool:
    check_password_hash(_DUMMY_HASH, password)
    return False


@bp.post("/logout")
@login_required
def logout() -> Any:
    """Sign out everywhere: a copy of this session's cookie stops working too."""
    session = get_db()
    row = session.get(User, current_user.id)
    if row is not None:
        end_sessions(session, row)
        audit(session, row.id, "auth.sign_out", "user", row.id)
        session.commit()
    logout_user()
    return redirect(url_for("auth.login"))
