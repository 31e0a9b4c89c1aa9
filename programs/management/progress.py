"""A progress bar for long management commands, shown only when a person is watching."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import IO, Any, TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress_bar(
    items: Iterable[T], description: str, stream: IO[str] | None = None
) -> Iterable[T]:
    """Wrap ``items`` in a tqdm bar on a terminal (standard error by default).

    It fits the importers' ``Progress`` as it is, so commands pass it to the services.
    """
    stream = sys.stderr if stream is None else stream
    if not getattr(stream, "isatty", lambda: False)():
        return items
    total: Any = len(items) if hasattr(items, "__len__") else None  # type: ignore[arg-type]
    return tqdm(items, total=total, desc=description, file=stream, leave=False)
