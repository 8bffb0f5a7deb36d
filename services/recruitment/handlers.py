"""Events recruitment receives from other services, mapped to what it does with them."""

from shared.messaging.inbox import Handler

EVENT_HANDLERS: dict[str, list[Handler]] = {}
