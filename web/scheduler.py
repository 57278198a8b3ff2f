"""The job table and the one scheduler process (APScheduler 3, in-memory job store).

Every job has an explicit id and replace_existing=True; the table is rebuilt from settings at
each start, so a job store is never shared between processes (measured: two processes on one
APScheduler 3 job store run every job twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from earful.clock import now
from earful.settings import Settings
from listener.jobs import configured_sources


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: str  # "module:function", importable: APScheduler stores references, not closures
    args: tuple[Any, ...]
    seconds: float


AUTO_ASSIGN_SECONDS = 30
ACKNOWLEDGE_SECONDS = 60
AUTO_LINK_SECONDS = 30
CRITICAL_SECONDS = 30  # with [alerts] critical_batch_seconds: mailed within about a minute
MAIL_SECONDS = 30
RETENTION_SECONDS = 6 * 3600  # a day's raw payloads pruned within hours of expiring


def job_table(settings: Settings) -> list[JobSpec]:
    """Every scheduled job, from settings."""
    jobs = [JobSpec(id=f"poll:{source.name}", func="listener.jobs:poll", args=(source.name,),
                    seconds=source.interval_seconds)
            for source in configured_sources(settings)]
    jobs.append(JobSpec(id="outbox:dispatch", func="responder.dispatch:dispatch_outbox",
                        args=(), seconds=settings.responder.dispatch_interval_seconds))
    if any(source.acknowledge_out_of_hours for source in settings.sources):
        jobs.append(JobSpec(id="outbox:acknowledge",
                            func="earful.work.acknowledgements:run_acknowledgements", args=(),
                            seconds=ACKNOWLEDGE_SECONDS))
    jobs += [JobSpec(id="alerts:evaluate", func="earful.work.alerting:run_alerts", args=(),
                     seconds=settings.alerts.evaluation_interval_seconds),
             JobSpec(id="alerts:critical", func="earful.work.alerting:run_critical", args=(),
                     seconds=CRITICAL_SECONDS),
             JobSpec(id="mail:deliver", func="earful.work.mail:run_mail_delivery", args=(),
                     seconds=MAIL_SECONDS)]
    if settings.incidents.auto_link:
        jobs.append(JobSpec(id="incidents:auto-link",
                            func="earful.work.incident_links:run_auto_link", args=(),
                            seconds=AUTO_LINK_SECONDS))
    if settings.listener.raw_retention_days > 0:
        jobs.append(JobSpec(id="retention:prune", func="earful.work.privacy:run_prune_raw",
                            args=(), seconds=RETENTION_SECONDS))
    if settings.console.auto_assign:
        jobs.append(JobSpec(id="route:auto-assign",
                            func="earful.work.assignment:run_auto_assign", args=(),
                            seconds=AUTO_ASSIGN_SECONDS))
    return jobs


def build_scheduler(settings: Settings) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=UTC, job_defaults={
        "coalesce": True, "max_instances": 1,
        "misfire_grace_time": settings.listener.misfire_grace_seconds})
    for job in job_table(settings):
        scheduler.add_job(job.func, "interval", args=job.args, id=job.id, seconds=job.seconds,
                          replace_existing=True, next_run_time=now())
    return scheduler
