#!/bin/sh
# The image's entry point: secrets may come from files (compose `secrets:`, Kubernetes
# secrets, Docker swarm): for every NAME_FILE in the environment, NAME is set to that file's
# content (trailing newline dropped) and NAME_FILE removed, so the portal reads NAME as usual.
# Setting both NAME and NAME_FILE is refused. The command then replaces this shell (exec),
# so signals (SIGTERM on `compose stop`) reach gunicorn or Celery directly.
set -eu

for assignment in $(env | grep -E '^[A-Z][A-Z0-9_]*_FILE=' | cut -d= -f1); do
    name="${assignment%_FILE}"
    file="$(printenv "$assignment")"
    if [ -n "$(printenv "$name" 2>/dev/null || true)" ]; then
        echo "entrypoint: both $name and $assignment are set; use one." >&2
        exit 64
    fi
    if [ ! -r "$file" ]; then
        echo "entrypoint: $assignment names $file, which cannot be read." >&2
        exit 66
    fi
    value="$(cat "$file")"
    export "$name=$value"
    unset "$assignment"
done

exec "$@"
