"""What the tests of the exercise checkers share."""

from __future__ import annotations

import pytest


def checker_fails(fn, *args, **kwargs) -> str:
    """Run a checker that must fail; return its message (which starts with "✗ ")."""
    with pytest.raises(AssertionError) as info:
        fn(*args, **kwargs)
    message = str(info.value)
    assert message.startswith("✗ ")
    return message
