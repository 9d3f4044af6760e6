"""Domain errors. Services raise these; the HTTP layer turns them into responses and messages."""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(DomainError):
    """Input was refused. `errors` maps a field name to a list of messages already in the user's language."""

    status_code = 422

    def __init__(self, errors: dict[str, list[str]], message: str = "") -> None:
        super().__init__(message or "; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors


class PermissionDenied(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    """Someone else acted first (task claimed or completed, case changed). Nothing was saved."""

    status_code = 409


class ProcessDefinitionError(DomainError):
    """A BPMN/DMN/form file cannot be deployed. Names the file, the element and the reason."""

    status_code = 500

    def __init__(self, file: str, element: str | None, reason: str) -> None:
        super().__init__(f"{file}: {element or '-'}: {reason}")
        self.file, self.element, self.reason = file, element, reason
