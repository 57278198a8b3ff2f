"""The job table: one poll job per source (or the demo), explicit ids, one scheduler."""

from __future__ import annotations

from earful.settings import Settings, SourceSettings
from web.scheduler import build_scheduler, job_table


def test_demo_runs_when_no_sources_are_configured(settings: Settings) -> None:
    jobs = job_table(settings)
    assert [job.id for job in jobs] == ["poll:demo", "outbox:dispatch", "alerts:evaluate",
                                        "alerts:critical", "mail:deliver", "incidents:auto-link",
                                        "retention:prune"]
    assert jobs[0].func == "listener.jobs:poll" and jobs[0].args == ("demo",)
    # The demo closes the loop: a queued reply is "posted" within one dispatcher interval.
    assert jobs[1].func == "responder.dispatch:dispatch_outbox"
    assert jobs[1].seconds == settings.responder.dispatch_interval_seconds


def test_one_job_per_configured_source_and_no_demo(settings: Settings) -> None:
    settings.sources = [SourceSettings(name="x-brand", platform="x", interval_seconds=90),
                        SourceSettings(name="masto", platform="mastodon")]
    settings.console.auto_assign = True
    jobs = {job.id: job for job in job_table(settings)}
    assert set(jobs) == {"poll:x-brand", "poll:masto", "outbox:dispatch", "alerts:evaluate",
                         "alerts:critical", "mail:deliver", "incidents:auto-link",
                         "retention:prune", "route:auto-assign"}
    assert jobs["alerts:evaluate"].seconds == settings.alerts.evaluation_interval_seconds
    assert jobs["incidents:auto-link"].func == "earful.work.incident_links:run_auto_link"
    assert jobs["route:auto-assign"].func == "earful.work.assignment:run_auto_assign"
    assert jobs["poll:x-brand"].seconds == 90
    assert jobs["retention:prune"].func == "earful.work.privacy:run_prune_raw"


def test_retention_job_only_when_raw_payloads_expire(settings: Settings) -> None:
    settings.listener.raw_retention_days = 0  # keep raw payloads forever: nothing to prune
    assert "retention:prune" not in {job.id for job in job_table(settings)}


def test_scheduler_jobs_coalesce_and_never_overlap(settings: Settings) -> None:
    scheduler = build_scheduler(settings)
    scheduler.start(paused=True)  # job defaults are applied when the scheduler starts
    try:
        job = scheduler.get_job("poll:demo")
    finally:
        scheduler.shutdown(wait=False)
    assert job is not None
    assert job.coalesce is True and job.max_instances == 1
    assert job.misfire_grace_time == settings.listener.misfire_grace_seconds
