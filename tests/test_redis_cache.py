"""The Redis cache backend (``localdigital/redis_cache.py``) against a real Redis: Django's
cache, with one redis-py client kept for its connection pool."""

from __future__ import annotations

import pytest
from django.conf import settings

from localdigital.redis_cache import RedisCache
from localdigital.settings.base import redis_cache


@pytest.fixture
def cache(redis_url):
    config = redis_cache(redis_url)["default"]
    cache = RedisCache(config["LOCATION"], {"OPTIONS": config["OPTIONS"], "KEY_PREFIX": "t"})
    yield cache
    cache.clear()


def test_is_the_backend_the_settings_give_redis():
    assert redis_cache("redis://127.0.0.1:6379/0")["default"]["BACKEND"] == (
        "localdigital.redis_cache.RedisCache"
    )


def test_keeps_one_client_for_its_pool(cache):
    client = cache._cache.get_client()

    assert cache._cache.get_client() is client
    assert cache._cache.get_client("a key", write=True) is client


def test_reads_writes_and_counts_as_django_s_does(cache):
    cache.set("page", {"content": b"<html>", "etag": '"1"'}, timeout=60)
    assert cache.add("version", "v1", timeout=None)
    assert not cache.add("version", "v2", timeout=None)

    assert cache.get_many(["page", "version", "missing"]) == {
        "page": {"content": b"<html>", "etag": '"1"'},
        "version": "v1",
    }
    cache.set("count", 1)
    assert cache.incr("count") == 2
    cache.delete_many(["page", "count"])
    assert cache.get("page") is None


def test_keeps_the_socket_timeouts(cache):
    options = cache._cache.get_client().connection_pool.connection_kwargs

    assert options["socket_timeout"] == settings.REDIS_SOCKET_TIMEOUT
    assert options["socket_connect_timeout"] == settings.REDIS_SOCKET_CONNECT_TIMEOUT
