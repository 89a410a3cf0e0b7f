"""Sandbox settings: the account it accepts and how it behaves. Control calls change a copy at
run time; `/__control/reset` restores the one the app was created with."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Literal

from sandbox.spelling import SPELLINGS, Spelling

DEFAULT_PHONE = "+79111111111"
DEFAULT_PASSWORD = "sandbox-password"  # dev-only: unlocks nothing but this sandbox

AuthShape = Literal["sanctum", "seed"]
AUTH_SHAPES = ("sanctum", "seed")


@dataclass(frozen=True)
class SandboxConfig:
    seed: int = 42
    phone: str = field(default_factory=lambda: os.environ.get("SANDBOX_PHONE", DEFAULT_PHONE))
    password: str = field(default_factory=lambda: os.environ.get("SANDBOX_PASSWORD", DEFAULT_PASSWORD), repr=False)
    auth_shape: AuthShape = "sanctum"  # "sanctum": the real API; "seed": an OAuth-like access/refresh login
    expires_in: int = 3600  # seed shape only: access token lifetime, seconds
    rate_limit: int = 600  # API calls per minute for the account
    login_rate_limit: int = 10  # login attempts per minute
    bad_credentials_status: int = 422  # the real API answers 422; some deployments 401
    suspended: bool = False  # 403 on login and on every data call
    # "plain": our documented spellings; "drifted": the same data re-spelt (sandbox.spelling)
    spelling: Spelling = field(default_factory=lambda: os.environ.get("SANDBOX_SPELLING", "plain"))  # type: ignore[assignment]  # checked in __post_init__

    def __post_init__(self) -> None:
        if self.auth_shape not in AUTH_SHAPES:
            raise ValueError(f"auth_shape must be one of {AUTH_SHAPES}")
        if self.bad_credentials_status not in (401, 422):
            raise ValueError("bad_credentials_status must be 401 or 422")
        for name in ("expires_in", "rate_limit", "login_rate_limit"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer")
        if self.spelling not in SPELLINGS:
            raise ValueError(f"spelling must be one of {SPELLINGS}")
        if not isinstance(self.suspended, bool):
            raise ValueError("suspended must be true or false")
        if not isinstance(self.password, str) or not self.password:
            raise ValueError("password must be a non-empty string")
        if not isinstance(self.phone, str) or sum(ch.isdigit() for ch in self.phone) < 10:
            raise ValueError("phone must be a string with at least 10 digits")

    def replace(self, **changes) -> SandboxConfig:
        """A copy with `changes`; ValueError names a bad or unknown setting."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        return dataclasses.replace(self, **changes)
