"""Django's Redis cache, with one redis.Redis client per connection pool.

Django's RedisCacheClient makes a new ``redis.Redis`` for every cache operation, and making
one is costly (an event dispatcher and some 170 response callbacks: about 0.2 ms of CPU,
more than the operation itself); the client API does three cache operations per request
(the failed-authentication guard, the throttle). A ``redis.Redis`` on a shared pool holds
no connection of its own (it takes one from the pool per command) and is thread-safe, so
one per pool is enough. (Django keeps a cache object per thread anyway; the lock only
matters if one is shared.)

Pools and clients are made on first use, never at import, so a process that forks after
start-up (gunicorn workers, Celery's prefork pool) makes its own. Should a client exist
before a fork anyway, redis-py's pool notices the new process id and opens fresh
connections in the child instead of sharing the parent's sockets.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    # Set by Django's RedisCacheClient; django-stubs leaves its private parts out.
    _servers: list[str]
    _pools: dict[int, Any]
    _pool_class: Any
    _pool_options: dict[str, Any]
    _client: Any
    _get_connection_pool_index: Callable[[bool], int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}
        self._lock = threading.Lock()

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            with self._lock:
                client = self._clients.get(index)
                if client is None:
                    if index not in self._pools:
                        self._pools[index] = self._pool_class.from_url(
                            self._servers[index], **self._pool_options
                        )
                    client = self._client(connection_pool=self._pools[index])
                    self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with ReusingRedisCacheClient."""

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
