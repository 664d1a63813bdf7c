from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """Pages that combine domains: the home page, a chain's page, "my work", the
    personal calendar. It sits above the domain apps; no domain app imports it."""

    name = "pacesetter.workspace"
