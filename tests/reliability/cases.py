"""The table format shared by the bad-input suites: one row per distinct bad input.

Each ``Case`` names the bad input (``id``), how to trigger it (``call``), the exception
type expected, and two regular expressions the message must match: one for the problem,
one for the fix. ``xfail`` holds the reason when the message is not good enough yet and
the fix lies outside the files this suite's author owns (see the report in that reason).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest


@dataclass(frozen=True)
class Case:
    id: str
    call: Callable[[], Any]
    exc: type[BaseException]
    problem: str
    fix: str
    xfail: str | None = None

    def param(self) -> Any:
        marks = [pytest.mark.xfail(strict=True, reason=self.xfail)] if self.xfail else []
        return pytest.param(self, id=self.id, marks=marks)


def full_message(exc: BaseException) -> str:
    """The message with its PEP 678 notes, as the user sees it in a traceback."""
    return "\n".join([str(exc), *getattr(exc, "__notes__", ())])


def assert_names_problem_and_fix(text: str, case: Case) -> None:
    assert re.search(case.problem, text, re.DOTALL), f"problem /{case.problem}/ not in: {text}"
    assert re.search(case.fix, text, re.DOTALL), f"fix /{case.fix}/ not in: {text}"


def check_raises(case: Case) -> BaseException:
    """Run ``case.call``; it must raise exactly ``case.exc`` naming problem and fix."""
    with pytest.raises(BaseException) as info:
        case.call()
    exc = info.value
    assert type(exc) is case.exc, (
        f"{type(exc).__name__} raised, {case.exc.__name__} expected: {exc}"
    )
    assert_names_problem_and_fix(full_message(exc), case)
    return exc


def unique_ids(*tables: list[Case]) -> list[str]:
    ids = [c.id for table in tables for c in table]
    dup = {i for i in ids if ids.count(i) > 1}
    assert not dup, f"duplicate case ids: {sorted(dup)}"
    return ids


#: seconds any wait in this suite may take before the test fails (never reached normally)
TIMEOUT = 30


def workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("ig_widget-worker")]


def from_front_end(w: Any, **state: Any) -> None:
    """Apply ``state`` the way a message from the front end does."""
    w._handle_msg(
        {
            "content": {"data": {"method": "update", "state": state, "buffer_paths": []}},
            "buffers": [],
        }
    )
