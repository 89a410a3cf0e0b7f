"""Build-time plugins that keep the first load of the feed small on a slow mobile link.

Measured with `python -m benchmarks.page_weight` (Chromium, DevTools' Fast 3G); the figures
are in benchmarks/README.md, "Page weight".
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.utils import console
from reflex_components_radix.themes.base import RadixThemesComponent
from reflex_components_radix.themes.typography.link import Link

# The vite config Reflex writes has one code-splitting group (env.json, kept apart so a new
# env does not change the big chunk's hash); ours goes right after it. Anchored on Reflex
# 0.10.1's template: if that changes, the build goes on without our group, with a warning.
VITE_GROUPS_ANCHOR = 'name: "reflex-env",\n            },'
# Every module that at least two entries (the client entry, the root layout, the pages) import
# goes into one chunk: the first load then needs 10 requests instead of 16, and on HTTP/1.1
# (6 connections per host) each extra wave of requests costs a full 3G round trip (~0.56 s).
# A module only one page uses (recharts on /admin, the feed's debounce input) stays with that
# page, so the admin chart never reaches a driver's first load.
SHARED_CHUNK_GROUP = """
            {
              name: "app-shared",
              minShareCount: 2,
            },"""


class RadixLinkOnlyPlugin(rx.plugins.RadixThemesPlugin):
    """Radix Themes for the few `rx.link`s (client-side navigation) and nothing else.

    Every screen is `rx.el.*` styled by assets/styles.css, so the Radix stylesheet (689 KB,
    84 KB gzipped, render-blocking) and its <Theme> wrapper did nothing but cost the first
    load. Its package is not "bundled" for dynamic components either: that would put the whole
    library (275 KB) on the first load, where rx.link alone tree-shakes to a few KB.
    """

    def __init__(self) -> None:
        super().__init__(theme=None)

    def get_stylesheet_paths(self, **context: Any) -> tuple[str, ...]:
        return ()

    def get_frontend_dependencies(self, **context: Any) -> tuple[str, ...]:
        # rx.link's own import still installs @radix-ui/themes.
        return ()

    def enter_component(self, comp: Any, /, **context: Any) -> None:
        # Without the stylesheet any other Radix component would render unstyled: say so at
        # build time rather than ship it.
        if isinstance(comp, RadixThemesComponent) and not isinstance(comp, Link):
            raise TypeError(
                f"{type(comp).__name__} is a Radix Themes component, and the app ships no Radix "
                "stylesheet (cargo_webapp/build_plugins.py): use rx.el.* styled in assets/styles.css."
            )


class SharedChunkPlugin(rx.plugins.Plugin):
    """Merge the modules every page needs into one JS chunk (see SHARED_CHUNK_GROUP)."""

    def pre_compile(self, **context: Any) -> None:
        context["add_modify_task"]("vite.config.js", add_shared_chunk_group)


def add_shared_chunk_group(vite_config: str) -> str:
    if VITE_GROUPS_ANCHOR not in vite_config:
        console.warn("vite.config.js has changed shape: the shared first-load chunk is not configured.")
        return vite_config
    if SHARED_CHUNK_GROUP in vite_config:
        return vite_config
    return vite_config.replace(VITE_GROUPS_ANCHOR, VITE_GROUPS_ANCHOR + SHARED_CHUNK_GROUP, 1)
