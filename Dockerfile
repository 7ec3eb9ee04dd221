# The portal's image. One image, several processes (compose.yaml, README "Running it in
# production"): web (the default command, gunicorn), worker, beat and the migrations.
#
#   docker build -t exact-koppeling-portal .
#   podman build --format docker -t exact-koppeling-portal .   (OCI format drops HEALTHCHECK)
#
# PYTHON_IMAGE is any Debian-based image with Python 3.11+ and venv; the default is the
# official slim image. docs/operations.md, "Container image", says how it was built here.
ARG PYTHON_IMAGE=docker.io/library/python:3.11-slim-bookworm

# --- build: dependencies into a virtualenv, static files collected -----------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python3 -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --no-compile -r /tmp/requirements.txt
WORKDIR /app
COPY . /app
# Production's static files storage (compressed, with the manifest), collected once here so
# no running container writes to its own disk; portal/settings_collectstatic.py explains the
# stand-in values this one command needs.
RUN DJANGO_SETTINGS_MODULE=portal.settings_collectstatic /opt/venv/bin/python manage.py collectstatic --noinput \
    && /opt/venv/bin/python -m compileall -q /app /opt/venv

# --- runtime: the virtualenv and the code, owned by root, run as an unprivileged user ---
FROM ${PYTHON_IMAGE} AS runtime
RUN groupadd --gid 10001 portal \
    && useradd --uid 10001 --gid portal --create-home --home-dir /home/portal --shell /usr/sbin/nologin portal \
    && install -d -o portal -g portal -m 0750 /var/lib/portal
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
ENV PATH="/opt/venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=portal.settings \
    PORTAL_VAR_DIR=/var/lib/portal
WORKDIR /app
USER 10001:10001
EXPOSE 8000
# /healthz on the gunicorn inside (deploy/healthcheck.py); compose gives the worker and beat
# their own checks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 CMD ["python3", "/app/deploy/healthcheck.py"]
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["gunicorn", "portal.wsgi:application"]
