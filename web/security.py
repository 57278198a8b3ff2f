"""Headers and CSRF: strangers write the mentions we show, so the browser must distrust them."""

from __future__ import annotations

from flask import Flask, Response
from flask_wtf import CSRFProtect

csrf = CSRFProtect()

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
       "frame-ancestors 'none'")


def init_app(app: Flask) -> None:
    csrf.init_app(app)

    @app.after_request
    def set_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        return response
