"""Production settings: `check --deploy` passes, and a missing secret key is refused."""

import os
import subprocess
import sys

from tests.support import REPO_ROOT


def run_manage(*args: str, env_overrides: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"PARLEY_DATA_DIR": str(tmp_path), **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
            "DJANGO_ALLOWED_HOSTS": "parley.example.org",
            "PARLEY_SITE_URL": "https://parley.example.org",
        },
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_the_site_url_is_left_at_its_local_default(tmp_path):
    production = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        "DJANGO_ALLOWED_HOSTS": "parley.example.org",
        "PARLEY_SITE_URL": "",
    }
    result = run_manage("check", "--deploy", env_overrides=production, tmp_path=tmp_path)
    assert "parley.W001" in result.stderr + result.stdout

    production["PARLEY_SITE_URL"] = "parley.example.org/archive"
    result = run_manage("check", env_overrides=production, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "PARLEY_SITE_URL must be the site's scheme and host" in result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    result = run_manage("check", env_overrides={"DJANGO_DEBUG": "0"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
