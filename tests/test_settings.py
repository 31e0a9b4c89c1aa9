"""Settings come from the environment; production refuses to start without a secret."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_settings(env: dict[str, str], code: str = "") -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", f"import iopfinder.settings as s\n{code}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = run_settings({"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_mode_refuses_an_empty_secret_key():
    result = run_settings({"DJANGO_DEBUG": "off", "DJANGO_SECRET_KEY": ""})
    assert "ImproperlyConfigured" in result.stderr


def test_production_mode_starts_with_a_secret_key():
    result = run_settings(
        {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "iopfinder.example",
            "DJANGO_CACHE_URL": "redis://127.0.0.1:6379/1",
        },
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['iopfinder.example'] True"


def test_development_defaults_to_an_embedded_sqlite_file():
    result = run_settings(
        {}, "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'])"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3", str(ROOT / "db.sqlite3")]


def test_database_url_switches_to_postgresql():
    result = run_settings(
        {"DATABASE_URL": "postgres://someone@db.example:5433/iop"},
        "d = s.DATABASES['default']; print(d['ENGINE'], d['HOST'], d['PORT'], d['NAME'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "db.example", "5433", "iop"]


def test_database_url_can_point_at_another_sqlite_file(tmp_path):
    result = run_settings(
        {"DATABASE_URL": f"sqlite:///{tmp_path}/other.sqlite3"},
        "d = s.DATABASES['default']; print(d['ENGINE'], d['NAME'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", f"{tmp_path}/other.sqlite3"]


def run_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    production = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 50}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **production, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_shared_cache():
    unshared = run_check({})
    assert unshared.returncode != 0
    assert "DJANGO_CACHE_URL must be set to a Redis URL" in unshared.stderr

    shared = run_check({"DJANGO_CACHE_URL": "redis://127.0.0.1:6379/1"})
    assert shared.returncode == 0, shared.stderr


@pytest.mark.parametrize("debug", ["true", "false"])
@pytest.mark.parametrize("url", ["memcached://127.0.0.1:11211", "locmem://", "redis:/oops"])
def test_an_unsupported_cache_url_is_an_error_in_every_mode(debug, url):
    result = run_check({"DJANGO_DEBUG": debug, "DJANGO_CACHE_URL": url})
    assert result.returncode != 0
    assert "DJANGO_CACHE_URL must be a Redis URL" in result.stderr


@pytest.mark.parametrize("url", ["memcached://127.0.0.1:11211", "locmem://"])
def test_an_unsupported_page_cache_url_is_an_error(url):
    result = run_check(
        {"DJANGO_CACHE_URL": "redis://127.0.0.1:6379/1", "IOPFINDER_PAGE_CACHE_URL": url}
    )
    assert result.returncode != 0
    assert "IOPFINDER_PAGE_CACHE_URL must be a Redis URL" in result.stderr


@pytest.mark.parametrize("seconds", ["ten", "-5", "1.5"])
def test_a_shared_page_lifetime_that_is_not_whole_seconds_is_an_error(seconds):
    result = run_check(
        {
            "DJANGO_CACHE_URL": "redis://127.0.0.1:6379/1",
            "IOPFINDER_CATALOGUE_HTML_SECONDS": seconds,
        }
    )
    assert result.returncode != 0
    assert "IOPFINDER_CATALOGUE_HTML_SECONDS must be a whole number of seconds" in result.stderr


def test_one_trusted_proxy_count_sets_every_limiter():
    result = run_settings(
        {"DJANGO_TRUSTED_PROXIES": "2"},
        "print(s.TRUSTED_PROXY_COUNT, s.REST_FRAMEWORK['NUM_PROXIES'], s.RATELIMIT_IP_META_KEY)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "2", "iopfinder.client.client_address"]


@pytest.mark.django_db
def test_a_browser_asking_for_a_language_without_a_catalogue_gets_english(client):
    # Offering a language with no catalogue gave English pages with Django's own messages in it.
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert page["Content-Language"] == "en"
    assert '<html lang="en"' in page.content.decode()


def test_make_serve_collects_static_files_then_starts_gunicorn_on_localhost():
    result = subprocess.run(
        [shutil.which("make") or "make", "-n", "serve", "WEB_CONCURRENCY=5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    commands = result.stdout
    assert commands.index("collectstatic --noinput") < commands.index("gunicorn")
    assert "DJANGO_DEBUG=0" in commands
    assert "--bind 127.0.0.1:8000 --workers 5" in commands


def test_check_deploy_is_clean_with_the_production_settings_a_deployment_sets():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    production = {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "a-long-random-secret-" + "x9" * 30,
        "DJANGO_ALLOWED_HOSTS": "iopfinder.example",
        "DJANGO_CACHE_URL": "redis://127.0.0.1:6379/1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **production},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
