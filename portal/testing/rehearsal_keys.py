"""Names the rehearsal's test process and its workers share, in a module of their own: the
workers' module (rehearsal_tasks) registers a category, the test process must not."""

# The Redis list where a rehearsal worker says which process builds an export.
BUILDER_KEY = "rehearsal:export-builder"
