"""Use cases. The only code that commits, once per request or command."""


class ServiceError(Exception):
    """A refusal the user can act on, in domain terms: ``code`` is stable (the web layer maps
    it to an HTTP status in ``assess.web.errors``); ``field`` names the input at fault, if one."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
