# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a handler method answers when it does not simply succeed."""

from dataclasses import dataclass, field


@dataclass
class HandlerResult:
    """``ignored`` with a ``reason`` marks the event ignored; ``notes`` go to
    the attempt (for example the values a non-owner was not allowed to set)."""

    ignored: bool = False
    reason: str = ""
    notes: list = field(default_factory=list)
