from django.core.exceptions import ValidationError


class ConflictError(ValidationError):
    """Someone else saved the same record since it was read; nothing was overwritten."""
