"""Responding: the outbox sender (exactly-once replies), incidents and spike alerts.

Queued replies wait in the `outbox` table (web/composer.py queues them); the sender job that
publishes them through the platform adapters arrives with the responder issue.
"""
