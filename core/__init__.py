"""The shared library every app builds on. Imports no app of this project (the import-linter
contract in pyproject.toml enforces it); see docs/architecture.md."""
