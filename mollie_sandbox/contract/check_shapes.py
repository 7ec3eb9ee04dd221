"""Checks response bodies against the models of Mollie's own generated SDK (mollie-api-py).

Runs in its own virtualenv (the SDK's top-level package is ``mollie``, like the
mollie-api-python client the portal uses: the two never share an environment). Reads
``[{"name", "model", "body"}, ...]`` as JSON on stdin and writes ``{"sdk": version,
"problems": {name: [problem, ...]}}`` as JSON on stdout; exit code 0 when it could check
(problems or not), 2 when the SDK cannot be loaded.

Beyond the model's own validation (required fields, types), a value of an enumerated field
must be one of the SDK's members: the SDK accepts unknown values silently ("open" enums), a
contract check must not.
"""

from __future__ import annotations

import enum
import json
import sys
from importlib import metadata


def _enum_problems(value, path: str) -> list[str]:
    from pydantic import BaseModel

    problems = []
    if isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            child = getattr(value, name)
            alias = field.alias or name
            problems += _enum_problems(child, f"{path}.{alias}" if path else alias)
            for enum_type in _enum_types(field.annotation):
                if isinstance(child, str) and not isinstance(child, enum.Enum):
                    members = {member.value for member in enum_type}
                    if child not in members:
                        problems.append(
                            f"{f'{path}.{alias}' if path else alias}: {child!r} is not one of {sorted(members)}"
                        )
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems += _enum_problems(item, f"{path}[{index}]")
    return problems


def _enum_types(annotation) -> list[type[enum.Enum]]:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return [annotation]
    found = []
    origin_args = getattr(annotation, "__args__", None) or ()
    value = getattr(annotation, "__value__", None)  # a TypeAliasType (Nullable, OptionalNullable)
    if value is not None:
        origin_args = (*origin_args, value)
    for arg in origin_args:
        if arg is not None and arg is not type(None) and not isinstance(arg, typing.TypeVar):
            found += _enum_types(arg)
    return found


def main() -> int:
    try:
        from mollie import models
        from pydantic import ValidationError

        version = metadata.version("mollie-api-py")
    except Exception as exc:  # noqa: BLE001  (report why, exit non-zero)
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
        return 2
    problems: dict[str, list[str]] = {}
    for case in json.load(sys.stdin):
        model = getattr(models, case["model"])
        try:
            instance = model.model_validate(case["body"])
        except ValidationError as exc:
            problems[case["name"]] = [
                f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors()
            ]
            continue
        problems[case["name"]] = _enum_problems(instance, "")
    print(json.dumps({"sdk": version, "problems": problems}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
