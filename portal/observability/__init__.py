"""What operators see of the running portal: structured logs (``logs``), Prometheus metrics
(``metrics``, ``collectors``; the shared counters are ``core.metrics``) and who may read them (``access``).
docs/operations.md describes the fields, the metric names and the alerts to set."""
