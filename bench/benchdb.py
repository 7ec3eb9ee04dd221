"""A throw-away PostgreSQL database per benchmark, next to the one DATABASE_URL names."""

from __future__ import annotations

from urllib.parse import urlparse, urlunparse


def _admin_connection(base_url: str):
    import psycopg2

    parsed = urlparse(base_url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=parsed.username,
        password=parsed.password,
        host=parsed.hostname,
        port=parsed.port or 5432,
    )
    connection.autocommit = True
    return connection


def recreate_database(base_url: str, name: str) -> str:
    """Drop and create database ``name`` on the server of ``base_url``; return its URL."""
    admin = _admin_connection(base_url)
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    admin.close()
    return urlunparse(urlparse(base_url)._replace(path=f"/{name}"))


def drop_database(base_url: str, name: str) -> None:
    from django.db import connections

    connections.close_all()
    admin = _admin_connection(base_url)
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
    admin.close()
