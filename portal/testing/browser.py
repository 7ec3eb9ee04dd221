"""Playwright fixtures: Debian's Chromium against the live server (filled in by the browser work)."""
