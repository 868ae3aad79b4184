"""Errors of the workflow services; the API and the views map them to answers."""


class WorkflowError(Exception):
    """Base class: ``code`` is stable for machines, ``message`` is for people (Dutch)."""

    code = "workflow_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotPermitted(WorkflowError):
    """The actor may not do this to this message (answer as 403, or 404 to outsiders)."""

    code = "not_permitted"


class Conflict(WorkflowError):
    """The message is not in a status that allows the action (answer as 409)."""

    code = "conflict"


class Invalid(WorkflowError):
    """The input for the action is wrong (answer as 400)."""

    code = "invalid"
