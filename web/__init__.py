"""The composition root: the Flask console, the CLI, the scheduler wiring. Nothing imports web/."""

from __future__ import annotations

from typing import Any

from flask import Flask

from earful.runtime import Runtime
from earful.settings import Settings


def create_app(settings: Settings | None = None, rt: Runtime | None = None,
               config: dict[str, Any] | None = None) -> Flask:
    """Build the console. Tests pass settings (or a ready runtime) and config overrides."""
    from web import auth, csat, db, inbox, params, security, status
    from web.context import build_runtime, secret_key

    rt = rt or build_runtime(settings, with_model=False)
    app = Flask(__name__, instance_path=str(rt.settings.instance_dir))
    app.config.update(
        SECRET_KEY=secret_key(rt.settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=rt.settings.app.public_url.startswith("https://"),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        SEND_FILE_MAX_AGE_DEFAULT=rt.settings.server.static_max_age_seconds,
        EARFUL_RUNTIME=rt,
    )
    app.config.update(config or {})
    params.init_app(app)  # the `id` route converter, before the blueprints
    db.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(inbox.bp)
    app.register_blueprint(csat.bp)
    app.register_blueprint(status.bp)
    _register_console(app)
    _register_lead_admin(app)
    return app


def _register_console(app: Flask) -> None:
    """The agent's pages: conversations, the reply composer and presence pings."""
    from web import approvals, composer, conversations, incidents, presence

    app.register_blueprint(approvals.bp)
    app.register_blueprint(conversations.bp)
    app.register_blueprint(composer.bp)
    app.register_blueprint(presence.bp)
    app.register_blueprint(incidents.bp)


def _register_lead_admin(app: Flask) -> None:
    """The lead and admin pages, and the source health banner on every page."""
    from web import (
        admin,
        alert_rules,
        alerts,
        audit_log,
        canned,
        dashboard,
        health_banner,
        model_quality,
    )

    health_banner.init_app(app)
    for module in (admin, alert_rules, alerts, audit_log, canned, dashboard, model_quality):
        app.register_blueprint(module.bp)
