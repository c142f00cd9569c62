"""Prometheus figures of the live sources, read from the graph at each scrape (the worker
that syncs them is another process): lag, errors and items per source."""

from collections.abc import Iterator
from datetime import UTC, datetime

from prometheus_client import REGISTRY
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from tiegraph.sources import Source, SourceState


class SourceMetrics(Collector):
    """The last sources read (`update`), as metric families labelled by source id and kind."""

    def __init__(self) -> None:
        self._sources: list[Source] = []
        self._at = datetime.now(UTC)

    def update(self, sources: list[Source]) -> None:
        """Keep what the graph said just now."""
        self._sources, self._at = sources, datetime.now(UTC)

    def collect(self) -> Iterator[Metric]:
        """The families a scrape shows."""
        labels = ["source", "kind"]
        lag = GaugeMetricFamily(
            "tiegraph_source_lag_seconds",
            "Seconds since the source's last successful sync (since it was added, before one)",
            labels=labels,
        )
        failing = GaugeMetricFamily(
            "tiegraph_source_failing", "1 while the source's last sync failed", labels=labels
        )
        errors = CounterMetricFamily(
            "tiegraph_source_errors", "Failed syncs of the source", labels=labels
        )
        read = CounterMetricFamily(
            "tiegraph_source_items_read", "Messages or calendar objects read", labels=labels
        )
        written = CounterMetricFamily(
            "tiegraph_source_items_written", "Interactions added or changed", labels=labels
        )
        for s in self._sources:
            values = [s.id, s.kind.value]
            since = s.last_success_at or s.created_at
            lag.add_metric(values, (self._at - since).total_seconds())
            failing.add_metric(values, float(s.state is SourceState.FAILING))
            errors.add_metric(values, s.error_count)
            read.add_metric(values, s.items_read)
            written.add_metric(values, s.items_written)
        yield from (lag, failing, errors, read, written)


SOURCE_METRICS = SourceMetrics()
REGISTRY.register(SOURCE_METRICS)
