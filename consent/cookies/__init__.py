"""The cookie banner and settings page: the visitor's decision (selectors), its proof
(services), the page and the endpoint that takes it (views, urls)."""
