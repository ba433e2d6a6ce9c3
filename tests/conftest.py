import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_python(args, env_overrides=None, drop=(), timeout=120, **kwargs):
    """Run the venv's Python in the project root with a modified environment."""
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_overrides or {})
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )


@pytest.fixture
def python_runner():
    return run_python


def pytest_configure(config):
    """WhiteNoise warns on every request when the collected static folder does not exist,
    as in a fresh clone that never ran ./run; the tests do not need it filled."""
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with autovacuum kept off its tables (tests/plans.py)."""
    from tests.plans import autovacuum_off

    with django_db_blocker.unblock():
        autovacuum_off()


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Pages under test link static files by their plain names: the hashed names of the
    production storage need `collectstatic` first (./run does it; tests/test_launcher.py
    checks the served stylesheet)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def parallel_reads_closed():
    """Pool threads' connections closed after each test: a test database cannot be dropped
    while they are open (archive/parallel_reads.py)."""
    yield
    from archive import parallel_reads

    parallel_reads.shut_down()


@pytest.fixture
def archive_world(db):
    """A small archive: three outlets, four officials, five articles, two meetings.

    Returned as a namespace so tests read `world.belousov`, `world.talks`, ...
    """
    import datetime
    from types import SimpleNamespace

    from tests import factories as f

    w = SimpleNamespace()
    w.tass = f.make_outlet(name="TASS", slug="tass", country="RU", kind="state_agency")
    w.xinhua = f.make_outlet(name="Xinhua", slug="xinhua", country="CN", kind="state_agency")
    w.global_times = f.make_outlet(name="Global Times", slug="global-times", country="CN")

    w.belousov = f.make_person(
        name="Andrei Belousov", slug="andrei-belousov", country="RU", aliases=["Белоусов"]
    )
    w.dong = f.make_person(name="Dong Jun", slug="dong-jun", country="CN", aliases=["董军"])
    w.shoigu = f.make_person(
        name="Sergei Shoigu", slug="sergei-shoigu", country="RU", aliases=["Shoygu", "Шойгу"]
    )
    w.gerasimov = f.make_person(name="Valery Gerasimov", slug="valery-gerasimov", country="RU")
    w.ministry = f.make_organization(
        name="Ministry of National Defense", slug="china-mnd", country="CN"
    )
    f.make_position(w.belousov, start_date=datetime.date(2024, 5, 14))
    f.make_position(
        w.shoigu,
        start_date=datetime.date(2012, 11, 6),
        end_date=datetime.date(2024, 5, 12),
    )
    f.make_position(
        w.shoigu,
        title="Secretary of the Security Council",
        role="security_council_secretary",
        start_date=datetime.date(2024, 5, 12),
    )
    f.make_position(
        w.dong, title="Minister of National Defense", start_date=datetime.date(2023, 12, 29)
    )

    w.talks = f.make_article(
        title="Belousov and Dong Jun hold talks in Beijing",
        body=(
            "BEIJING, October 14. /TASS/. Russian Defense Minister Andrei Belousov and "
            "Chinese Defense Minister Dong Jun held talks in Beijing on Monday.\n\n"
            "The ministers discussed joint exercises and military cooperation."
        ),
        outlet=w.tass,
        url="https://tass.com/defense/1856001",
        published_date=datetime.date(2024, 10, 14),
        dateline="BEIJING, October 14. /TASS/.",
        dateline_place="Beijing",
        date_source="header",
        date_evidence="date 2024-10-14",
    )
    w.reply = f.make_article(
        title="Chinese and Russian defense ministers meet",
        body="Dong Jun met Andrei Belousov, who is visiting China, to discuss naval drills.",
        outlet=w.xinhua,
        url="https://english.news.cn/2024/1015/1",
        published_date=datetime.date(2024, 10, 15),
    )
    w.visit = f.make_article(
        title="Shoigu meets Chinese counterpart in Moscow",
        body="Sergei Shoigu received the Chinese defense minister in Moscow.",
        outlet=w.tass,
        published_date=datetime.date(2023, 4, 18),
        date_confidence="inferred",
        date_source="dateline",
    )
    w.undated = f.make_article(
        title="Security council session",
        body="The Security Council secretary chaired a session.",
        url="javascript:alert(1)",
    )
    w.russian = f.make_article(
        title="Шойгу провёл переговоры",
        body="Сергей Шойгу провёл переговоры о военном сотрудничестве.",
        outlet=w.tass,
        language="ru",
        published_date=datetime.date(2023, 4, 19),
    )
    f.make_mention(w.talks, w.belousov, "Andrei Belousov")
    f.make_mention(w.talks, w.dong, "Dong Jun")
    f.make_mention(w.talks, w.ministry, "Chinese Defense Minister")
    f.make_mention(w.reply, w.dong, "Dong Jun")
    f.make_mention(w.reply, w.belousov, "Andrei Belousov")
    f.make_mention(w.visit, w.shoigu, "Sergei Shoigu")
    f.make_mention(w.undated, w.shoigu, "Security Council secretary")
    f.make_mention(w.russian, w.shoigu, "Сергей Шойгу")
    f.make_quote(w.talks, w.belousov, text="Our cooperation is at its highest level.")
    f.make_source(
        w.talks,
        outlet=w.global_times,
        url="https://www.globaltimes.cn/page/202410/1.shtml",
        published_date=datetime.date(2024, 10, 16),
    )
    w.beijing_talks = f.make_meeting(
        participants=[(w.belousov, ""), (w.dong, "Minister of National Defense")],
        articles=[w.talks, w.reply],
        date=datetime.date(2024, 10, 14),
        kind="talks",
    )
    w.moscow_visit = f.make_meeting(
        participants=[w.shoigu, w.dong],
        articles=[w.visit],
        date=datetime.date(2023, 4, 18),
        place="Moscow",
        kind="visit",
    )
    return w


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: the month totals and languages kept there for
    a minute would otherwise come from another test's archive."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
