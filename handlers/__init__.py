"""Chat adapters: translate a platform's events into core calls and render replies."""
