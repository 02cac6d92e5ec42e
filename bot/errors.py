"""Exceptions that flows raise to end an event with a polite, keyed answer."""

from __future__ import annotations


class Refusal(Exception):
    """Stop handling and tell the actor why, with the text ``key`` (and its arguments)."""

    def __init__(self, key: str, *, toast: bool = False, **kwargs: object) -> None:
        super().__init__(key)
        self.key = key
        self.toast = toast  # answer a button press with a toast instead of a message
        self.kwargs = kwargs


class Expired(Refusal):
    """A button that is stale, forged or refers to something that no longer exists."""

    def __init__(self) -> None:
        super().__init__("common.expired", toast=True)


class Forbidden(Refusal):
    """The actor lacks the role for this command or button."""

    def __init__(self) -> None:
        super().__init__("common.forbidden", toast=True)
