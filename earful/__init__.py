"""Earful's core: settings, database, models, migrations, business-hours calendar and clock.

Every stage (listener, classifier callers, responder, web) may import this package; it imports
none of them and never imports Flask. Nothing here connects or reads configuration at import time.
"""
