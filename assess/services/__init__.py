"""Use cases. The only code that commits, once per request or command."""


class ServiceError(Exception):
    """A refusal the user can act on. ``code`` is stable for the JSON API; ``field`` is optional."""

    status = 400

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None,
                 status: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        if status:
            self.status = status
