"""The responder: sends the outbox to the platforms exactly once (`responder.dispatch`)."""
