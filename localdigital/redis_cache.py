"""Django's Redis cache, with one redis-py client for each connection pool.

Django's ``RedisCacheClient`` makes a new ``redis.Redis`` for every cache call, and redis-py
fills about 170 response callbacks into each one it makes. For a public page kept in the cache
(``localdigital/public_cache.py``), whose one cache call is a single round trip to Redis, that
made the client cost more than the round trip: about a third of the time to answer the page.
A client is only a pool and those callbacks, and is safe to share between threads, so this
backend makes one for each pool and keeps it. Everything else is Django's.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # By the id of the pool, which lives as long as this client keeps it in ``_pools``.
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's own attributes, which its type stubs leave out.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[id(pool)] = client
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
