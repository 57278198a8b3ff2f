"""Simulated agents for the HTTP load benchmark: a shift's mix over keep-alive connections.

Each agent is one thread with its own user, cookies and one `http.client` connection that stays
open between requests (as a browser's does). It signs in, then loops until the deadline: an action
picked by weight (the inbox, its next page, a search, a conversation, a presence ping, a reply
through the composer), then a think time of 0.5-1.5 x the mean. `http.client` rather than
requests: the generator shares the machine with the server and must cost it little CPU.
"""

from __future__ import annotations

import html
import http.client
import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

# A shift: mostly reading the inbox and conversations, presence pings from the open
# conversation's script, some searches and a reply now and then.
MIX = {"inbox": 22, "inbox_next": 5, "search_common": 5, "search_rare": 5, "conversation": 25,
       "presence": 28, "reply": 10}
# What a healthy server answers; a reply can also be sent back (409) because something newer
# arrived in the conversation, which is the composer's rule working, not an error.
EXPECTED = {"reply": {302, 409}, "login": {302}}
_IDS = re.compile(r'href="/conversations/(\d+)"')
_NEXT = re.compile(r'rel="next" href="([^"]+)"')
_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
_FIELD = re.compile(r'name="(idempotency_key|seen_mention_id|seen_outbox_id)" value="([^"]*)"')


@dataclass
class Sample:
    kind: str
    ms: float
    status: int  # 0: no answer (connection error or timeout)


@dataclass
class Recorder:
    """Samples from every agent, kept only inside the measured window."""

    start: float = 0.0
    end: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, started: float, ms: float, status: int) -> None:
        if self.start <= started < self.end:
            with self.lock:
                self.samples.append(Sample(kind, ms, status))


class Agent:
    """One signed-in agent with its own cookies and keep-alive connection."""

    def __init__(self, host: str, port: int, username: str, password: str, seed: int,
                 mentions: int, recorder: Recorder, think: float) -> None:
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.rng = random.Random(seed)
        self.mentions, self.recorder, self.think = mentions, recorder, think
        self.conn: http.client.HTTPConnection | None = None
        self.connections = 0
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.inbox_ids: list[int] = []
        self.next_page = ""
        self.open_id = 0  # the conversation on screen
        self.form: dict[str, str] = {}  # its composer's hidden fields

    # --- HTTP -----------------------------------------------------------------------------

    def request(self, kind: str, method: str, path: str, body: bytes | None = None,
                content_type: str = "") -> tuple[int, str, str]:
        """One request on the kept-alive connection: (status, body, Location)."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "User-Agent": "earful-bench", "Accept-Encoding": "identity"}
        if content_type:
            headers["Content-Type"] = content_type
        if self.csrf:
            headers["X-CSRFToken"] = self.csrf
        started = time.perf_counter()
        wall = time.monotonic()
        try:
            response = self._send(method, path, body, headers)
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self._close()
            self.recorder.add(kind, wall, (time.perf_counter() - started) * 1000, 0)
            return 0, "", ""
        self.recorder.add(kind, wall, (time.perf_counter() - started) * 1000, response.status)
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            if value and "expires=thu, 01 jan 1970" not in cookie.lower():
                self.cookies[name.strip()] = value.strip()
            else:
                self.cookies.pop(name.strip(), None)
        return response.status, text, response.getheader("Location") or ""

    def _send(self, method: str, path: str, body: bytes | None,
              headers: dict[str, str]) -> http.client.HTTPResponse:
        """Send; a kept-alive connection the server closed meanwhile is reopened once (the
        request never reached it, so even a POST is safe to send again)."""
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                self.connections += 1
            try:
                self.conn.request(method, path, body=body, headers=headers)
                return self.conn.getresponse()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self._close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    # --- the shift ------------------------------------------------------------------------

    def sign_in(self) -> bool:
        _, page, _ = self.request("login_form", "GET", "/login")
        token = page.split('name="csrf_token" value="', 1)[-1].split('"', 1)[0]
        status, _, _ = self.request("login", "POST", "/login", urlencode({
            "username": self.username, "password": self.password, "csrf_token": token}).encode(),
            "application/x-www-form-urlencoded")
        if status != 302:
            return False
        self.inbox("inbox", "/")
        return bool(self.csrf)

    def run(self, deadline: float) -> None:
        kinds, weights = list(MIX), list(MIX.values())
        while time.monotonic() < deadline:
            self.step(self.rng.choices(kinds, weights)[0])
            time.sleep(self.think * self.rng.uniform(0.5, 1.5))
        self._close()

    def step(self, kind: str) -> None:
        if kind == "inbox_next" and self.next_page:
            self.inbox(kind, self.next_page)
        elif kind == "search_common":
            self.inbox(kind, "/?q=bill")
        elif kind == "search_rare":
            self.inbox(kind, f"/?q={self.rng.randrange(self.mentions)}&status=any&complaint=any")
        elif kind in ("presence", "reply") and self.open_id:
            self.presence() if kind == "presence" else self.reply()
        elif kind in ("conversation", "presence", "reply"):
            self.conversation()
        else:
            self.inbox("inbox", "/")

    def inbox(self, kind: str, path: str) -> None:
        status, page, _ = self.request(kind, "GET", path)
        if status != 200:
            return
        self._csrf(page)
        ids = [int(i) for i in _IDS.findall(page)]
        if kind in ("inbox", "inbox_next"):
            self.inbox_ids = ids or self.inbox_ids
            found = _NEXT.search(page)
            self.next_page = html.unescape(found.group(1)) if found else ""

    def conversation(self, mention_id: int = 0) -> None:
        if not mention_id:
            mention_id = self.rng.choice(self.inbox_ids) if self.inbox_ids and \
                self.rng.random() < 0.8 else self.rng.randrange(1, self.mentions + 1)
        status, page, _ = self.request("conversation", "GET", f"/conversations/{mention_id}")
        if status != 200:
            self.open_id = 0
            return
        self._csrf(page)
        self.open_id, self.form = mention_id, dict(_FIELD.findall(page))

    def presence(self) -> None:
        state = "typing" if self.rng.random() < 0.3 else "viewing"
        body = json.dumps({"state": state,
                           "seen_mention_id": self.form.get("seen_mention_id", "")}).encode()
        self.request("presence", "POST", f"/conversations/{self.open_id}/presence", body,
                     "application/json")

    def reply(self) -> None:
        if "idempotency_key" not in self.form:
            self.conversation(self.open_id)
            return
        fields = {**self.form, "csrf_token": self.csrf,
                  "text": f"Sorry about this, {self.username} is looking into it now."}
        status, _, location = self.request(
            "reply", "POST", f"/conversations/{self.open_id}/reply", urlencode(fields).encode(),
            "application/x-www-form-urlencoded")
        mention_id, self.open_id, self.form = self.open_id, 0, {}
        if status == 302 and location:  # the browser follows the redirect back to the page
            self.conversation(mention_id)

    def _csrf(self, page: str) -> None:
        found = _CSRF.search(page)
        if found:
            self.csrf = found.group(1)
