"""Operational metrics in Prometheus form, one registry per running app (no globals)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.updates = Counter(
            "jiangxin_updates_handled",
            "Inbound chat events handled",
            ["platform", "kind"],
            registry=self.registry,
        )
        self.offers_sent = Counter(
            "jiangxin_offers_sent",
            "Claim offers delivered to volunteers",
            registry=self.registry,
        )
        self.time_to_claim = Histogram(
            "jiangxin_time_to_claim_seconds",
            "From order creation to claim",
            buckets=(60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400, 259200),
            registry=self.registry,
        )
        self.task_lag = Histogram(
            "jiangxin_scheduler_task_lag_seconds",
            "How late a due task ran",
            buckets=(0.5, 1, 5, 15, 30, 60, 300, 900, 3600),
            registry=self.registry,
        )
        self.orders_by_status = Gauge(
            "jiangxin_orders",
            "Orders by status (refreshed on scrape)",
            ["status"],
            registry=self.registry,
        )
