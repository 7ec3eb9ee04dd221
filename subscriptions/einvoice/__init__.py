"""E-invoices: the UBL builder (``ubl``), the validator against the official rules
(``validation``, tests and development only) and those rules, vendored (``rules/``)."""
