"""Loading and deploying process definitions (filled in by the engine work)."""


def deploy_if_schema_ready() -> None:
    return None
