"""The rules of the work, Flask-free: the console, the CLI and the jobs call one function per rule.

- `status`: every change of a mention's status (the only place that writes `Mention.status`).
- `assignment`: assigning, releasing and routing new complaints by language and workload.
- `triage`: tags and incident links.
- `labels`: label corrections (one vocabulary), the team's training and evaluation data.
- `replies`: filling canned responses, queueing a reply, approvals, the brand account that answers.
- `outbox`: an outbox row's life (claim, sent, failed, retry, cancel) and first response.
- `sla_clock`: time left or overdue in business time, as every page shows it.
- `measures`: the dashboard's figures (also the alert digest's).
- `audit`: the audit entries all of the above write in the caller's transaction.

Each function changes the caller's session; the caller commits, so a change and its audit entry
land together.
"""

from earful.work.errors import WorkflowError

__all__ = ["WorkflowError"]
