"""Arrays in the store: ``.npy`` bytes, never pickled."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = ["from_npy", "to_npy"]

# numpy is imported inside the functions: opening a store to read runs, events and
# stages (``mlplan status``, ``history``) needs no arrays.


def to_npy(array: Any) -> bytes:
    """An array as ``.npy`` bytes (object arrays are refused: they would need pickle)."""
    import numpy as np

    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array), allow_pickle=False)
    return buffer.getvalue()


def from_npy(blob: bytes) -> np.ndarray:
    """Inverse of :func:`to_npy`; pickled content is refused."""
    import numpy as np

    return np.load(io.BytesIO(blob), allow_pickle=False)
