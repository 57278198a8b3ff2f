"""Text in, labels out: language, sentiment, complaint and urgency with reasons.

This package imports nothing else from the project (no database, no Flask), so it can be
trained, evaluated and benchmarked on its own.
"""

from classifier.labels import SENTIMENTS, URGENCIES, Labels, Model, TextInput
from classifier.loader import load_model

__all__ = ["SENTIMENTS", "URGENCIES", "Labels", "Model", "TextInput", "load_model"]
