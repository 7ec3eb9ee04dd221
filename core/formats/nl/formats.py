# One date style per context (docs/texts.md, "Amounts and dates"): long in prose
# ({{ day|date:"DATE_FORMAT" }}: "7 december 2026"), dd-mm-jjjj in tables
# ({{ day|date:"SHORT_DATE_FORMAT" }}: "07-12-2026"). Django's own Dutch short format is
# "j-n-Y" (7-12-2026); these replace it. Month names come from Django's translations.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
