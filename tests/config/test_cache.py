"""config.cache.RedisCache: Django's Redis cache reusing one redis.Redis per pool."""

from __future__ import annotations

import os
import uuid

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCacheClient

from config.cache import RedisCache, ReusingRedisCacheClient

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set")


def make_cache(location: str) -> RedisCache:
    # A key prefix of its own: the tests' default cache (the same Redis database) is cleared
    # around every test.
    return RedisCache(location, {"KEY_PREFIX": f"test-cache-{uuid.uuid4().hex}"})


def test_one_client_is_made_lazily_and_reused():
    cache = make_cache("redis://127.0.0.1:6379/0")
    client = cache._cache
    assert isinstance(client, ReusingRedisCacheClient)
    assert client._pools == {} and client._clients == {}  # nothing made before first use
    first = client.get_client("key")
    assert client.get_client("other") is first
    assert client.get_client("key", write=True) is first
    assert first.connection_pool is client._pools[0]


def test_reads_and_writes_each_keep_their_own_client_with_replicas():
    cache = make_cache("redis://127.0.0.1:6379/0,redis://127.0.0.1:6379/2")
    client = cache._cache
    writer = client.get_client(write=True)
    reader = client.get_client()
    assert reader is not writer
    assert client.get_client(write=True) is writer and client.get_client() is reader
    assert writer.connection_pool.connection_kwargs["db"] == 0
    assert reader.connection_pool.connection_kwargs["db"] == 2


def test_djangos_own_client_would_make_one_per_operation():
    # What this backend is for: if Django ever reuses its client itself, it can go.
    client = RedisCacheClient(["redis://127.0.0.1:6379/0"])
    assert client.get_client() is not client.get_client()


@needs_redis
def test_the_settings_use_it_when_redis_is_configured():
    assert settings.CACHES["default"]["BACKEND"] == "config.cache.RedisCache"
    assert isinstance(caches["default"], RedisCache)


@needs_redis
def test_values_round_trip():
    cache = make_cache(REDIS_URL)
    assert cache.get("missing", "default") == "default"
    cache.set("list", [1.5, 2.5], 30)
    assert cache.get("list") == [1.5, 2.5]
    assert cache.add("list", "other", 30) is False
    assert cache.add("number", 41, 30) is True
    assert cache.incr("number") == 42
    cache.set_many({"a": "één", "b": {"x": 1}}, 30)
    assert cache.get_many(["a", "b", "c"]) == {"a": "één", "b": {"x": 1}}
    assert cache.delete("a") is True
    assert cache.get("a") is None
    cache.delete_many(["list", "number", "b"])
    assert cache.get_many(["list", "number", "b"]) == {}


@needs_redis
def test_a_forked_child_gets_its_own_connections():
    cache = make_cache(REDIS_URL)
    cache.set("before-fork", "parent", 30)
    client = cache._cache.get_client()
    parent_connections = list(client.connection_pool._available_connections)
    assert parent_connections
    pid = os.fork()
    if pid == 0:  # the child: reuse the inherited client, on connections of its own
        code = 1
        try:
            cache.set("from-child", "child", 30)
            same = cache._cache.get_client() is client
            fresh = all(
                connection not in parent_connections
                for connection in client.connection_pool._available_connections
            )
            if same and fresh and cache.get("before-fork") == "parent":
                code = 0
        finally:
            os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    # The parent's connection still works and was not disturbed by the child.
    assert cache.get("from-child") == "child"
    assert client.connection_pool._available_connections == parent_connections
    cache.delete_many(["before-fork", "from-child"])
