"""The inbox: newest mentions with their labels (the full social-care inbox grows from here)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from sqlalchemy import select

from earful.models import Mention, Source
from web.auth import role_required
from web.db import get_db

bp = Blueprint("inbox", __name__)
PAGE_SIZE = 50


@bp.get("/")
@role_required("agent")
def index() -> Any:
    session = get_db()
    before = request.args.get("before", type=int)
    query = select(Mention).where(Mention.status != "own").order_by(
        Mention.created_at.desc(), Mention.id.desc()).limit(PAGE_SIZE)
    if before:
        anchor = session.get(Mention, before)
        if anchor is not None:
            query = query.where((Mention.created_at < anchor.created_at) | (
                (Mention.created_at == anchor.created_at) & (Mention.id < anchor.id)))
    mentions = session.scalars(query).all()
    sources = session.scalars(select(Source).order_by(Source.name)).all()
    return render_template("inbox.html", mentions=mentions, sources=sources,
                           page_size=PAGE_SIZE)
