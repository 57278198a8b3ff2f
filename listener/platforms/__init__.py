"""The adapter registry: platform name -> adapter class, looked up by name from settings.

Adapters are imported lazily so a deployment that only uses Mastodon never imports tweepy.
"""

from __future__ import annotations

import importlib
from typing import Any

from listener.platforms.base import (
    Adapter,
    AuthError,
    FetchResult,
    NotAllowed,
    PlatformError,
    PostRef,
    Publisher,
    RateLimited,
    TargetGone,
    TextRefused,
    Transient,
)

_REGISTRY: dict[str, str] = {
    "demo": "listener.demo.adapter:DemoAdapter",
    "x": "listener.platforms.x:XAdapter",
    "reddit": "listener.platforms.reddit:RedditAdapter",
    "mastodon": "listener.platforms.mastodon:MastodonAdapter",
    "bluesky": "listener.platforms.bluesky:BlueskyAdapter",
}


def register(platform: str, target: str) -> None:
    """Add or replace an adapter ("module:Class")."""
    _REGISTRY[platform] = target


def get_adapter_class(platform: str) -> Any:
    try:
        module_name, class_name = _REGISTRY[platform].split(":")
    except KeyError as exc:
        raise PlatformError(f"no adapter for platform {platform!r}", retryable=False) from exc
    return getattr(importlib.import_module(module_name), class_name)


__all__ = ["Adapter", "AuthError", "FetchResult", "NotAllowed", "PlatformError", "PostRef",
           "Publisher", "RateLimited", "TargetGone", "TextRefused", "Transient",
           "get_adapter_class", "register"]
