"""Server-side driver sessions, opened by exchanging Telegram initData once.

initData proves who the driver is only for a few minutes after launch, so the app trades it once for
an opaque random session id and checks that id on every later request. Rules:

* one live session per driver: opening a new one revokes the previous (a stolen id dies at next login);
* a session lives `ttl_s` since it was last used (the TTL slides on every `get`);
* storage keys and values hold only SHA-256 of the id, so a leaked Redis dump yields no usable id.

With a Redis client the sessions are shared by every worker; while Redis is down, this process keeps
the sessions it opens in memory (one warning per 30 s) and still honours them once Redis is back.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from redis.asyncio import Redis

from services.identity.auth_failures import AuthFailureMonitor
from services.identity.telegram_auth import InitDataError, TelegramUser, validate_init_data
from services.primitives.redis_conn import RedisHealth

log = logging.getLogger(__name__)

DEFAULT_TTL_S = 24 * 3600.0

# The scripts build the other key of a pair from a prefix, so they assume one Redis node (not a
# cluster), as the rest of the project does. Each runs atomically: no request sees half a login.

# KEYS: session, driver index. ARGV: ttl_ms, session digest, session key prefix, field/value pairs...
_CREATE = """
local old = redis.call('GET', KEYS[2])
if old then redis.call('DEL', ARGV[3] .. old) end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[1])
"""

# KEYS: session. ARGV: now, ttl_ms, driver index prefix. Returns the session's fields, or nil.
_TOUCH = """
local driver = redis.call('HGET', KEYS[1], 'driver_id')
if not driver then return false end
redis.call('HSET', KEYS[1], 'last_seen', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', ARGV[3] .. driver, ARGV[2])
return redis.call('HGETALL', KEYS[1])
"""

# KEYS: session. ARGV: driver index prefix, session digest.
_REVOKE = """
local driver = redis.call('HGET', KEYS[1], 'driver_id')
redis.call('DEL', KEYS[1])
if driver and redis.call('GET', ARGV[1] .. driver) == ARGV[2] then
    redis.call('DEL', ARGV[1] .. driver)
end
"""

# KEYS: driver index. ARGV: session key prefix.
_REVOKE_DRIVER = """
local digest = redis.call('GET', KEYS[1])
if digest then redis.call('DEL', ARGV[1] .. digest) end
redis.call('DEL', KEYS[1])
"""


@dataclass(frozen=True, slots=True)
class SessionData:
    driver_id: int
    first_name: str
    last_name: str | None
    username: str | None
    created_at: float
    last_seen: float


class SessionStore:
    """Driver sessions in Redis when a client is given (shared by workers), else in this process."""

    def __init__(
        self,
        redis_client: Redis | None = None,
        *,
        ttl_s: float = DEFAULT_TTL_S,
        clock: Callable[[], float] = time.time,
        prefix: str = "ct:session:",
    ) -> None:
        self._clock = clock
        self._memory = _MemorySessions(ttl_s)
        self._redis = _RedisSessions(redis_client, ttl_s, prefix) if redis_client is not None else None
        self._health = RedisHealth("driver sessions", log)

    async def create(self, user: TelegramUser) -> str:
        """Open a session for `user`, revoking the driver's previous one; return its id."""
        session_id = secrets.token_urlsafe(32)
        now = self._clock()
        data = SessionData(user.id, user.first_name, user.last_name, user.username, now, now)
        digest = _digest(session_id)
        # Whichever store takes the new session, no older one of this driver may stay in memory.
        self._memory.revoke_driver(user.id)
        redis = self._redis
        if redis is None or not await self._health.call(lambda: redis.create(digest, data), False):
            self._memory.create(digest, data, now)
        return session_id

    async def get(self, session_id: str) -> SessionData | None:
        """The live session with this id, its TTL restarted; None if unknown, expired or revoked."""
        digest = _digest(session_id)
        now = self._clock()
        redis = self._redis
        if redis is not None:
            found = await self._health.call(lambda: redis.touch(digest, now), None)
            if found is not None:
                return found
        # Also covers sessions this process opened while Redis was down.
        return self._memory.touch(digest, now)

    async def revoke(self, session_id: str) -> None:
        digest = _digest(session_id)
        self._memory.revoke(digest)
        redis = self._redis
        if redis is not None:
            await self._health.call(lambda: redis.revoke(digest), None)

    async def revoke_driver(self, driver_id: int) -> None:
        self._memory.revoke_driver(driver_id)
        redis = self._redis
        if redis is not None:
            await self._health.call(lambda: redis.revoke_driver(driver_id), None)


async def exchange_init_data(
    store: SessionStore,
    init_data: str,
    bot_token: str,
    *,
    max_age_s: int | None = 300,
    monitor: AuthFailureMonitor | None = None,
    now: float | None = None,
) -> tuple[str, TelegramUser]:
    """Validate initData and open a session for its driver: (session id, user).

    initData's age limit applies only here; afterwards the session's own TTL rules. Replaying the
    same initData within the limit opens a fresh session for the same driver and revokes the last
    one, so it gains nothing. Raises InitDataError, counting it on `monitor` first.
    """
    try:
        user = validate_init_data(init_data, bot_token, max_age_s=max_age_s, now=now)
    except InitDataError as exc:
        if monitor is not None:
            await monitor.record(exc.reason)
        raise
    return await store.create(user), user


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class _MemorySessions:
    """Sessions of this process. At most one per driver, so memory is bounded by the driver count."""

    def __init__(self, ttl_s: float) -> None:
        self._ttl_s = ttl_s
        self._sessions: dict[str, tuple[SessionData, float]] = {}  # digest -> (data, expires_at)
        self._by_driver: dict[int, str] = {}  # driver_id -> digest

    def create(self, digest: str, data: SessionData, now: float) -> None:
        self.revoke_driver(data.driver_id)
        self._sessions[digest] = (data, now + self._ttl_s)
        self._by_driver[data.driver_id] = digest

    def touch(self, digest: str, now: float) -> SessionData | None:
        entry = self._sessions.get(digest)
        if entry is None:
            return None
        data, expires_at = entry
        if expires_at <= now:
            self.revoke(digest)
            return None
        data = replace(data, last_seen=now)
        self._sessions[digest] = (data, now + self._ttl_s)
        return data

    def revoke(self, digest: str) -> None:
        entry = self._sessions.pop(digest, None)
        if entry is not None and self._by_driver.get(entry[0].driver_id) == digest:
            del self._by_driver[entry[0].driver_id]

    def revoke_driver(self, driver_id: int) -> None:
        digest = self._by_driver.pop(driver_id, None)
        if digest is not None:
            self._sessions.pop(digest, None)


class _RedisSessions:
    """A hash per session under `{prefix}s:{digest}`, and `{prefix}d:{driver_id}` -> digest."""

    def __init__(self, client: Redis, ttl_s: float, prefix: str) -> None:
        self._ttl_ms = math.ceil(ttl_s * 1000)
        self._session_prefix = prefix + "s:"
        self._driver_prefix = prefix + "d:"
        self._create = client.register_script(_CREATE)
        self._touch = client.register_script(_TOUCH)
        self._revoke = client.register_script(_REVOKE)
        self._revoke_driver = client.register_script(_REVOKE_DRIVER)

    async def create(self, digest: str, data: SessionData) -> bool:
        fields: list[str] = []
        for name, value in _to_fields(data).items():
            fields += [name, value]
        await self._create(
            keys=[self._session_prefix + digest, self._driver_prefix + str(data.driver_id)],
            args=[self._ttl_ms, digest, self._session_prefix, *fields],
        )
        return True

    async def touch(self, digest: str, now: float) -> SessionData | None:
        flat = await self._touch(keys=[self._session_prefix + digest], args=[repr(now), self._ttl_ms, self._driver_prefix])
        if not flat:
            return None
        return _from_fields({_text(flat[i]): _text(flat[i + 1]) for i in range(0, len(flat), 2)})

    async def revoke(self, digest: str) -> None:
        await self._revoke(keys=[self._session_prefix + digest], args=[self._driver_prefix, digest])

    async def revoke_driver(self, driver_id: int) -> None:
        await self._revoke_driver(keys=[self._driver_prefix + str(driver_id)], args=[self._session_prefix])


def _to_fields(data: SessionData) -> dict[str, str]:
    # A Redis hash has no null: absent optional names are simply not stored.
    fields = {
        "driver_id": str(data.driver_id),
        "first_name": data.first_name,
        "created_at": repr(data.created_at),
        "last_seen": repr(data.last_seen),
    }
    if data.last_name is not None:
        fields["last_name"] = data.last_name
    if data.username is not None:
        fields["username"] = data.username
    return fields


def _from_fields(fields: Mapping[str, str]) -> SessionData:
    return SessionData(
        driver_id=int(fields["driver_id"]),
        first_name=fields["first_name"],
        last_name=fields.get("last_name"),
        username=fields.get("username"),
        created_at=float(fields["created_at"]),
        last_seen=float(fields["last_seen"]),
    )


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
