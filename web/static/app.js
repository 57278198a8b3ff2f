// Earful console: keyboard triage, the composer's counter and canned responses, presence pings.
// Progressive enhancement only: every action here also works as a plain form without JavaScript.
// No inline handlers and no innerHTML with data (the CSP forbids the first, hostile text the second).
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function typingInField(event) {
    var t = event.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName));
  }

  // ---- Inbox: j/k move, x tick, Enter/r reply, e resolve, a assign to me ----
  function initInbox(table) {
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr.mention"));
    if (!rows.length) { return; }
    var key = "earful.inbox.row:" + location.pathname + location.search;
    var current = Math.min(parseInt(sessionStorage.getItem(key) || "0", 10) || 0, rows.length - 1);

    function select(index) {
      rows[current].classList.remove("current");
      rows[current].removeAttribute("aria-current");
      current = Math.max(0, Math.min(rows.length - 1, index));
      rows[current].classList.add("current");
      rows[current].setAttribute("aria-current", "true");
      rows[current].scrollIntoView({block: "nearest"});
      sessionStorage.setItem(key, String(current));
    }

    function submitBulk(action, extra) {
      var bulk = document.getElementById("bulk");
      var form = document.createElement("form");
      form.method = "post";
      form.action = bulk.getAttribute("action");
      var fields = {csrf_token: csrfToken(), next: bulk.querySelector('[name="next"]').value,
                    action: action, ids: rows[current].getAttribute("data-id")};
      Object.keys(extra || {}).forEach(function (k) { fields[k] = extra[k]; });
      Object.keys(fields).forEach(function (name) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = fields[name];
        form.appendChild(input);
      });
      document.body.appendChild(form);
      form.submit();
    }

    select(current);
    document.addEventListener("keydown", function (event) {
      if (typingInField(event) || event.ctrlKey || event.metaKey || event.altKey) { return; }
      var row = rows[current];
      switch (event.key) {
        case "j": select(current + 1); break;
        case "k": select(current - 1); break;
        case "x": var box = row.querySelector('input[type="checkbox"]'); box.checked = !box.checked; break;
        case "Enter": location.href = row.getAttribute("data-url"); break;
        case "r": location.href = row.getAttribute("data-url") + "#composer"; break;
        case "e": submitBulk("resolve"); break;
        case "a": submitBulk("assign", {assignee: "me"}); break;
        default: return;
      }
      event.preventDefault();
    });
    rows.forEach(function (row, index) {
      row.addEventListener("click", function () { select(index); });
    });
  }

  // ---- Composer: canned responses and the length counter ----
  function initComposer() {
    var text = document.getElementById("reply-text");
    if (!text) { return null; }
    var counter = document.getElementById("reply-count");
    var limit = parseInt(text.getAttribute("data-limit"), 10);
    var lastTyped = 0;

    function count() {
      var n = Array.from(text.value).length;  // code points, as the server counts
      counter.textContent = String(n);
      counter.parentNode.classList.toggle("over", n > limit);
    }
    text.addEventListener("input", function () { lastTyped = Date.now(); count(); });
    count();

    var canned = document.getElementById("canned");
    if (canned) {
      canned.addEventListener("change", function () {
        var option = canned.options[canned.selectedIndex];
        if (option && option.getAttribute("data-body") !== null) {
          text.value = option.getAttribute("data-body");
          lastTyped = Date.now();
          count();
          text.focus();
        }
      });
    }
    document.querySelectorAll(".no-js-only").forEach(function (el) { el.hidden = true; });
    return function isTyping() { return Date.now() - lastTyped < 10000; };
  }

  // ---- Presence: who else is here, and has anything newer arrived? ----
  function initPresence(root, isTyping) {
    var url = root.getAttribute("data-presence-url");
    var seenMention = parseInt(root.getAttribute("data-seen-mention-id"), 10) || 0;
    var seenOutbox = parseInt(root.getAttribute("data-seen-outbox-id"), 10) || 0;
    var box = document.getElementById("presence");
    var warning = document.getElementById("newer-warning");

    function show(data) {
      while (box.firstChild) { box.removeChild(box.firstChild); }
      data.others.forEach(function (o) {
        var span = document.createElement("span");
        span.className = "who " + o.state;
        span.textContent = o.name + " is " + o.state;  // textContent: names are never markup
        box.appendChild(span);
      });
      var newer = data.newest_mention_id > seenMention || data.newest_outbox_id > seenOutbox;
      if (warning) { warning.hidden = !newer; }
      root.classList.toggle("has-newer", newer);
    }

    function ping() {
      var state = isTyping && isTyping() ? "typing" : "viewing";
      fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
        body: JSON.stringify({state: state, seen_mention_id: seenMention})
      }).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) { show(data); } })
        .catch(function () { /* offline for a moment: the next ping tries again */ });
    }
    ping();
    var interval = parseInt(root.getAttribute("data-presence-interval"), 10) || 10000;
    setInterval(ping, interval);
    var text = document.getElementById("reply-text");
    if (text) {
      // The first keystroke tells colleagues at once rather than at the next tick.
      text.addEventListener("input", function once() { text.removeEventListener("input", once); ping(); });
    }
  }

  // ---- Conversation keys: e resolve, r reply ----
  function initConversationKeys() {
    document.addEventListener("keydown", function (event) {
      if (typingInField(event) || event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (event.key === "e") {
        var resolve = document.getElementById("status-resolved");
        if (resolve) { resolve.click(); event.preventDefault(); }
      } else if (event.key === "r") {
        var text = document.getElementById("reply-text");
        if (text) { text.focus(); event.preventDefault(); }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var table = document.getElementById("inbox-table");
    if (table) { initInbox(table); }
    var conversation = document.getElementById("conversation");
    if (conversation) {
      var isTyping = initComposer();
      initPresence(conversation, isTyping);
      initConversationKeys();
    }
  });
}());
