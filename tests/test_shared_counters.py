"""Rate-limit counters are shared by every worker: two app instances on one database (two
gunicorn workers, or two app servers) count one key together, by default in the database and
with REDIS_URL in Redis; and Flask-Limiter's sign-in limit is shared the same way."""

from __future__ import annotations

import redis

from tests.accounts_support import post
from tests.test_settings import REDIS_TEST_URL, windows


def _alternating(first, second, n: int) -> list[int]:
    from portal.accounts import create_user
    from portal.api_keys import create_key

    with first.app_context():
        secret = create_key(create_user("shared@example.org", "correct horse battery"), "t").secret
    clients = [first.test_client(), second.test_client()]
    headers = {"Authorization": f"Bearer {secret}"}
    return [clients[i % 2].get("/api/v1/metrics", headers=headers).status_code for i in range(n)]


def test_two_workers_share_an_api_key_counter_in_the_database(env_app, fixed_clock):
    first, second = env_app(API_RATE_LIMIT="3/minute"), env_app(API_RATE_LIMIT="3/minute")
    assert _alternating(first, second, 5) == [200, 200, 200, 429, 429]


def test_two_workers_share_an_api_key_counter_in_redis(env_app):
    store = redis.Redis.from_url(REDIS_TEST_URL)
    for key in store.scan_iter("*api-key:*"):
        store.delete(key)
    try:
        env = {"API_RATE_LIMIT": "3/minute", "REDIS_URL": REDIS_TEST_URL}
        first, second = env_app(**env), env_app(**env)
        assert _alternating(first, second, 5) == [200, 200, 200, 429, 429]
    finally:
        for key in store.scan_iter("*api-key:*"):
            store.delete(key)


def test_two_workers_share_the_sign_in_limit_in_the_database(env_app):
    first = env_app(SIGN_IN_RATE_LIMIT="3 per minute")
    second = env_app(SIGN_IN_RATE_LIMIT="3 per minute")
    clients = [first.test_client(), second.test_client()]
    wrong = {"email": "nobody@example.org", "password": "wrong password"}
    codes = [post(clients[i % 2], "/account/sign-in", wrong).status_code for i in range(4)]
    assert codes == [401, 401, 401, 429]
    assert windows(first) == 2  # per address and per email, in the database every worker reads


def test_memory_storage_counts_per_process(env_app, fixed_clock):
    env = {"API_RATE_LIMIT": "3/minute", "RATELIMIT_STORAGE_URI": "memory://"}
    first, second = env_app(**env), env_app(**env)
    assert _alternating(first, second, 5) == [200, 200, 200, 200, 200]  # why it is not the default
