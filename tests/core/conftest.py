from tests.core.access import world  # noqa: F401,E402 - the users of each role and their objects
