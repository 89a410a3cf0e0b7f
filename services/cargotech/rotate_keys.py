"""`python -m services.cargotech.rotate_keys`: re-encrypt the stored CargoTech token with the
newest key.

Rotation: prepend a new key to TOKEN_ENCRYPTION_KEYS (keep the old one after it), deploy, run
this command, then drop the old key. Until the command runs, every worker still decrypts with
the old key, so there is no moment where the token cannot be read.
"""

from __future__ import annotations

import asyncio
import sys

from services.infra.runtime import build_runtime
from services.infra.settings import SettingsError, load_settings


async def rotate() -> int:
    runtime = build_runtime(load_settings())
    try:
        return await runtime.tokens.rotate_key()
    finally:
        await runtime.aclose()


def main() -> None:
    try:
        changed = asyncio.run(rotate())
    except SettingsError as exc:
        sys.exit(str(exc))
    print(f"Re-encrypted {changed} stored token(s) with the newest key.")


if __name__ == "__main__":
    main()
