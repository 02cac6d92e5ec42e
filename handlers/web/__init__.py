"""The web channel, on aiohttp: the chat page and its WebSocket, Telegram's webhook,
``/healthz`` and ``/metrics`` — one application served by ``jiangxin.app.WebComponent``."""
