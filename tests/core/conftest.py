from tests.core.clients import api, client  # noqa: F401 - fixtures for this folder
