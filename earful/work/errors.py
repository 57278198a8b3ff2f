"""The one error a refused change raises; its message is shown to the user as it is."""


class WorkflowError(ValueError):
    """A change that is not allowed; the message is shown to the user."""
