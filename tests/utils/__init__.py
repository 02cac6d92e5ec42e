"""Shared test helpers: a recording notifier and factories."""
