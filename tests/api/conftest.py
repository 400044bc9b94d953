"""API test helpers: a client per role of the world, sending that user's bearer token."""
import pytest

from donorclub.services.accounts import issue_api_token


class TokenClient:
    """Wraps the test client so every call carries `Authorization: Bearer <token>`."""

    def __init__(self, client, token: str | None):
        self.client, self.token = client, token

    def open(self, method: str, url: str, **kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, url, **kwargs):
        return self.open("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self.open("POST", url, **kwargs)

    def patch(self, url, **kwargs):
        return self.open("PATCH", url, **kwargs)


@pytest.fixture
def api(app, world):
    """api("coordinator_a") -> a client with that user's token; api(None) sends no token."""
    tokens = {}

    def as_user(name: str | None) -> TokenClient:
        if name is not None and name not in tokens:
            tokens[name] = issue_api_token(None, getattr(world, name), label="tests")
        return TokenClient(app.test_client(), tokens.get(name))

    return as_user
