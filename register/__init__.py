"""The declaration API of the register of personal data: what an app imports to declare, in
its own ``personal_data.py``, the personal data it keeps (:mod:`register.registry`), and the
set-based deletion helpers those declarations use (:mod:`register.cascade`).

It sits low (above ``core``, below every app) so that any app can declare its data without
importing the ``retention`` app, whose enforcement, holds and exports call every app through
these declarations. See docs/architecture.md."""
