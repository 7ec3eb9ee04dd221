from __future__ import annotations

import json
from typing import Any

from django.db import models

from audit.chain import canonical_json


class CanonicalJSONField(models.TextField):
    """A dict stored as its canonical JSON text (sorted keys, no spaces, UTF-8), byte for byte
    what the audit digest was computed over; read back as a dict."""

    def from_db_value(self, value, expression, connection) -> Any:
        return None if value is None else json.loads(value)

    def to_python(self, value) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def get_prep_value(self, value) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            return value
        return canonical_json(value)

    def value_to_string(self, obj) -> str:
        return canonical_json(self.value_from_object(obj))
