"""A real Celery worker process against Redis for task tests (filled in by the worker work)."""
