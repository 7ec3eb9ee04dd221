"""Reading /metrics in tests: ``scrape(client)`` returns the samples by name and labels."""

from __future__ import annotations

from http import HTTPStatus

from prometheus_client.parser import text_string_to_metric_families


class Samples(dict):
    def value(self, name: str, **labels: str) -> float:
        """The sample's value; 0 when it is not there (a counter not yet incremented)."""
        return self.get((name, frozenset(labels.items())), 0.0)

    def sum(self, name: str, **labels: str) -> float:
        """The sum over every sample of ``name`` whose labels include ``labels``."""
        wanted = set(labels.items())
        return sum(v for (n, found), v in self.items() if n == name and wanted <= found)


def scrape(client, **request_extra) -> Samples:
    response = client.get("/metrics", **request_extra)
    assert response.status_code == HTTPStatus.OK, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    samples = Samples()
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples
