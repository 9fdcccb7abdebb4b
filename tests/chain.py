"""What a library raised, read as a user would: atlasconnect's error in its chain, or
explained from it (the one way the injection tests find the cause)."""

from __future__ import annotations

import atlasconnect


def atlasconnect_error_in(error: BaseException) -> atlasconnect.AtlasConnectError | None:
    """atlasconnect's error among ``error``'s causes and contexts, else explain()'s reading."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, atlasconnect.AtlasConnectError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return atlasconnect.explain(error)
