"""The versioned privacy statement: reads (selectors), publishing, announcing and reading it
(services), the announcement tasks (tasks), the public pages (views, urls)."""
