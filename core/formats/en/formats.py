# The English pages use the same order as the Dutch ones (a Dutch product, Dutch invoices):
# "7 December 2026" in prose, "07-12-2026" in tables (see core/formats/nl/formats.py).
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
