"""export_archive and import_archive: the whole archive out as JSON Lines and back in, every
record identical, and nothing half-loaded from a damaged file."""

import base64
import datetime
import gzip
import io
import json
import sys
from datetime import date

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.curation import flag_suspected_duplicates, sync_roles
from archive.ingest.store import Importer, load_gazetteer
from archive.models import (
    Article,
    ArticleSource,
    Mention,
    Person,
    ReviewStatus,
    SuspectedDuplicate,
)
from archive.portability import (
    ACCOUNT_MODELS,
    ARCHIVE_MODELS,
    DERIVED_MODELS,
    FORMAT,
    VERSION,
)
from tests import factories as f
from tests.ingest.gazetteer_data import gazetteer

TASS = """ date 2024-10-14 https://tass.com/defense/1856001
Belousov and Dong Jun hold talks in Beijing
Share
BEIJING, October 14. /TASS/. Russian Defense Minister Andrei Belousov held talks with Chinese Defense Minister Dong Jun in Beijing on Monday.
"Our relations are at their highest level," Belousov said.
Lieutenant General Ivan Kuznetsov, head of the international cooperation directorate, also took part.
"""
# The same text again from another site, behind other page chrome: one more ArticleSource.
REPRINT = TASS.replace(
    "https://tass.com/defense/1856001", "https://defense-digest.example/belousov-dong"
).replace("Share\n", "Loading\nAll news\n")
XINHUA = """ date 2024-10-15 https://english.news.cn/20241015/abc/c.html
Chinese, Russian defense ministers meet in Beijing
BEIJING, Oct. 14 (Xinhua) -- Chinese Defense Minister Dong Jun met with Russian Defense Minister Andrei Belousov in Beijing on Monday, the two sides pledging closer military ties.
"""
VIDEO = """ date 2026-01-27 https://tass.com/defense/2000001
Belousov and Dong Jun talk by video link
MOSCOW, January 27. /TASS/. Andrei Belousov and Dong Jun held talks via videoconference on Tuesday.
"""
RUSSIAN = (
    "Белоусов и Дун Цзюнь провели переговоры\n"
    "МОСКВА, 27 января. /ТАСС/. Министр обороны России Андрей Белоусов и министр обороны "
    "Китая Дун Цзюнь провели переговоры в режиме видеоконференции во вторник, 27 января "
    "2026 года.\n"
)
# UTF-8 with one stray Windows-1252 dash: decoded with a replacement character, so the
# importer keeps the original bytes in raw_bytes.
LOSSY = (
    "Gerasimov inspects the troops\n"
    "Chief of the General Staff Valery Gerasimov inspected units of the Western group "
    "of forces \x96 the ministry said \u2013 and heard reports from the commanders on "
    "their readiness and their training of the reservists.\n"
).encode("cp1252", errors="replace")
UNDATED = """Shoigu chairs a session of the Security Council
Sergei Shoigu chaired a session of the Security Council on military cooperation with partner countries, his office said in a statement.
"""
PAST = datetime.datetime(2020, 3, 4, 5, 6, 7, 891011, tzinfo=datetime.UTC)


def build_archive(folder):
    """A varied archive made by the real importer, then curated, with an admin history."""
    load_gazetteer(gazetteer())
    documents = {
        "1-tass.txt": TASS.encode(),
        "2-xinhua.txt": XINHUA.encode(),
        "3-reprint.txt": REPRINT.encode(),
        "4-video.txt": VIDEO.encode(),
        "5-russian.txt": RUSSIAN.encode("cp1251"),
        "6-lossy.txt": LOSSY,
        "7-undated.txt": UNDATED.encode(),
    }
    for name, data in documents.items():
        (folder / name).write_bytes(data)
    results = list(Importer(today=date(2026, 11, 21)).import_paths([str(folder)]))
    assert [r.status for r in results].count("failed") == 0, [r.message for r in results]

    talks = Article.objects.get(url="https://tass.com/defense/1856001")
    talks.title = "Belousov and Dong Jun hold talks in Beijing (curated)"
    talks.review_status = ReviewStatus.CONFIRMED
    talks.curated_fields = ["title", "review_status"]
    talks.save()
    rejected = Mention.objects.filter(article__url__contains="news.cn").first()
    rejected.review_status = ReviewStatus.REJECTED
    rejected.curated_fields = ["review_status"]
    rejected.save()
    Person.objects.filter(slug="dong-jun").update(
        review_status=ReviewStatus.CONFIRMED, notes="Confirmed by a curator."
    )
    undated = Article.objects.get(title__startswith="Shoigu chairs")
    Article.objects.filter(pk=undated.pk).update(raw_bytes=bytes(range(256)))
    # Timestamps from the past, to the microsecond: a re-stamped row cannot pass for one.
    for label in ("archive.article", "archive.mention", "archive.person", "archive.outlet"):
        apps.get_model(label).objects.update(created_at=PAST, updated_at=PAST)
    ArticleSource.objects.update(received_at=PAST)

    curator = User.objects.create_user(
        "olga", "olga@example.org", "a long passphrase", is_staff=True
    )
    curator.groups.add(sync_roles()["curator"])
    curator.user_permissions.add(Permission.objects.get(codename="view_logentry"))
    LogEntry.objects.create(
        user=curator,
        content_type=ContentType.objects.get_for_model(Article),
        object_id=str(talks.pk),
        object_repr=talks.title[:200],
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Title"]}}]',
    )


def natural_keys(related):
    return sorted(obj.natural_key() for obj in related.all())


def snapshot():
    """Every field of every record, references to content types by natural key."""
    state = {}
    for label in ARCHIVE_MODELS:
        rows = apps.get_model(label)._base_manager.order_by("pk").values()
        state[label] = [
            {k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items()}
            for row in rows
        ]
    state["auth.group"] = {g.name: natural_keys(g.permissions) for g in Group.objects.all()}
    users = {user.pk: user for user in User.objects.all()}
    state["auth.user"] = [
        (
            row,
            natural_keys(users[row["id"]].groups),
            natural_keys(users[row["id"]].user_permissions),
        )
        for row in User.objects.order_by("pk").values()
    ]
    state["admin.logentry"] = [
        {
            **row,
            "content_type_id": ContentType.objects.get_for_id(row["content_type_id"]).natural_key(),
        }
        for row in LogEntry.objects.order_by("pk").values()
    ]
    return state


SEARCHES = ("Belousov", "переговоры", "Андрей Белоусов", "Gerasimov troops", "Security Council")


def search_results():
    return {query: [a.pk for a in Article.objects.search(query)] for query in SEARCHES}


def export_text(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_archive", *args, stdout=out, stderr=err)
    return out.getvalue()


def empty_the_archive():
    """Delete every archive record, user and admin log entry (groups stay)."""
    for label in reversed(ARCHIVE_MODELS + ACCOUNT_MODELS[1:]):
        apps.get_model(label)._base_manager.all().delete()


def archive_counts():
    return {label: apps.get_model(label)._base_manager.count() for label in ARCHIVE_MODELS}


def call_command_output(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def import_file(path, *args):
    out = io.StringIO()
    call_command("import_archive", str(path), *args, stdout=out)
    return out.getvalue()


def test_every_archive_model_is_exported_after_the_models_it_refers_to():
    archive_models = {m._meta.label_lower for m in apps.get_app_config("archive").get_models()}
    assert set(ARCHIVE_MODELS) | set(DERIVED_MODELS) == archive_models
    order = ARCHIVE_MODELS + ACCOUNT_MODELS
    for position, label in enumerate(order):
        for field in apps.get_model(label)._meta.concrete_fields:
            target = field.related_model and field.related_model._meta.label_lower
            if field.is_relation and target in order and target != label:
                assert order.index(target) < position, f"{label}.{field.name} before {target}"


def test_round_trip_through_an_empty_database_reproduces_every_record(transactional_db, tmp_path):
    build_archive(tmp_path)
    xinhua = Article.objects.get(url__contains="news.cn")
    copy = f.make_article(title=xinhua.title.upper(), outlet=xinhua.outlet)
    assert flag_suspected_duplicates([copy.pk]) == 1
    flagged = dict(SuspectedDuplicate.objects.values_list("article", "twin"))
    before, found_before = snapshot(), search_results()
    for label, rows in before.items():
        assert rows, f"the test archive has no {label} to compare"
    assert any(row["raw_bytes"] for row in before["archive.article"])
    assert any(row["raw_encoding"] == "cp1251" for row in before["archive.article"])
    assert all(found_before.values()), found_before

    export = tmp_path / "archive.jsonl"
    assert "Exported" in call_command_output("export_archive", "--output", str(export))
    call_command("flush", "--no-input", verbosity=0)
    assert not Article.objects.exists() and not User.objects.exists()
    assert "Imported" in import_file(export)

    after = snapshot()
    for label in before:
        assert after[label] == before[label], label
    assert search_results() == found_before
    assert dict(SuspectedDuplicate.objects.values_list("article", "twin")) == flagged
    # The id sequences moved past the imported ids.
    assert f.make_outlet().pk > max(row["id"] for row in before["archive.outlet"])
    assert f.make_article().pk > max(row["id"] for row in before["archive.article"])


@pytest.mark.django_db
def test_export_has_a_header_records_in_order_and_a_closing_count(tmp_path):
    build_archive(tmp_path)
    lines = [json.loads(line) for line in export_text().splitlines()]
    header, records, seal = lines[0], lines[1:-1], lines[-1]
    assert (header["format"], header["version"], header["accounts"]) == (FORMAT, VERSION, True)
    labels = [r["model"] for r in records]
    assert labels == sorted(labels, key=(ARCHIVE_MODELS + ACCOUNT_MODELS).index)
    assert seal["counts"] == {label: labels.count(label) for label in seal["counts"]}
    assert sum(seal["counts"].values()) == len(records)

    articles = {r["pk"]: r["fields"] for r in records if r["model"] == "archive.article"}
    undated = Article.objects.get(title__startswith="Shoigu chairs")
    assert base64.b64decode(articles[undated.pk]["raw_bytes"]) == bytes(range(256))
    assert "search_vector" not in articles[undated.pk]
    assert articles[undated.pk]["created_at"] == "2020-03-04T05:06:07.891011+00:00"
    [olga] = [r for r in records if r["model"] == "auth.user"]
    assert olga["fields"]["groups"] == [["curator"]]
    [entry] = [r for r in records if r["model"] == "admin.logentry"]
    assert entry["fields"]["content_type"] == ["archive", "article"]


@pytest.mark.django_db
def test_without_accounts_leaves_users_and_admin_history_out(tmp_path):
    build_archive(tmp_path)
    text = export_text("--without-accounts")
    assert '"auth.' not in text and '"admin.' not in text
    empty_the_archive()
    User.objects.create_user("already-here")
    import_file(write(tmp_path / "a.jsonl", text))
    assert Article.objects.count() == 6  # seven documents; the reprint is a source
    assert list(User.objects.values_list("username", flat=True)) == ["already-here"]


@pytest.mark.django_db
def test_accounts_in_the_file_are_left_out_on_request(tmp_path):
    build_archive(tmp_path)
    export = write(tmp_path / "a.jsonl", export_text())
    empty_the_archive()
    User.objects.create_user("already-here")
    with pytest.raises(CommandError, match="already holds 1 user"):
        import_file(export)
    import_file(export, "--without-accounts")
    assert Article.objects.count() == 6
    assert not LogEntry.objects.exists()


@pytest.mark.django_db
def test_compressed_export_and_standard_input(tmp_path, monkeypatch):
    f.make_article(raw_bytes=b"\xff\xfe raw")
    expected = archive_counts()
    export = tmp_path / "archive.jsonl.gz"
    call_command_output("export_archive", "-o", str(export))
    assert not (tmp_path / "archive.jsonl.gz.partial").exists()
    empty_the_archive()
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(gzip.decompress(export.read_bytes())))
    )
    import_file("-")
    assert archive_counts() == expected
    assert bytes(Article.objects.get().raw_bytes) == b"\xff\xfe raw"


@pytest.mark.django_db
def test_a_missing_or_cut_short_compressed_file_is_refused(tmp_path):
    f.make_article()
    export = tmp_path / "archive.jsonl.gz"
    call_command_output("export_archive", "-o", str(export))
    empty_the_archive()
    export.write_bytes(export.read_bytes()[:-20])
    with pytest.raises(CommandError, match="Nothing was imported"):
        import_file(export)
    with pytest.raises(CommandError, match="No such file"):
        import_file(tmp_path / "missing.jsonl")
    assert set(archive_counts().values()) == {0}


@pytest.mark.django_db
def test_import_into_a_non_empty_archive_is_refused_and_changes_nothing(archive_world, tmp_path):
    export = write(tmp_path / "a.jsonl", export_text())
    before = archive_counts()
    with pytest.raises(CommandError, match=r"already holds .*5 articles.*Nothing was imported"):
        import_file(export)
    assert archive_counts() == before


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def damage_line(text, where, old, new):
    """The export with `old` replaced by `new` in the first line containing `where`, and
    that line's number."""
    lines = text.splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if where in line)
    assert old in lines[number - 1]
    lines[number - 1] = lines[number - 1].replace(old, new, 1)
    return "".join(lines), number


def damaged(text, damage):
    """(damaged export, the line number the refusal must name, or None)."""
    if damage == "cut mid-line":
        cut = text.index('"archive.meeting"') + 40
        return text[:cut], text[:cut].count("\n") + 1
    if damage == "cut at a line break":
        lines = text.splitlines(keepends=True)
        return "".join(lines[:-1]), len(lines) - 1
    if damage == "dangling reference":
        mention = Mention.objects.order_by("pk").first()
        where = f'"model":"archive.mention","pk":{mention.pk},'
        return damage_line(text, where, f'"article":{mention.article_id},', '"article":999999,')[
            0
        ], None
    where, old, new = {
        "broken JSON": ('"archive.person"', "{", "{{"),
        "impossible date": ('"published_date":"2024-10-14"', "2024-10-14", "2024-13-45"),
        "unknown field": ('"archive.outlet"', '"kind":', '"colour":"red","kind":'),
        "unknown model": ('"archive.quote"', "archive.quote", "archive.rumour"),
        "count mismatch": ('"counts"', '"archive.article":5', '"archive.article":4'),
    }[damage]
    return damage_line(text, where, old, new)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("cut mid-line", "not valid JSON"),
        ("cut at a line break", "without its closing counts line"),
        ("broken JSON", "not valid JSON"),
        ("impossible date", "2024-13-45"),
        ("unknown field", "has no field 'colour'"),
        ("unknown model", "unknown model 'archive.rumour'"),
        ("count mismatch", "promises 4 archive.article records, the file holds 5"),
        ("dangling reference", "the database refused these archive.mention records"),
    ],
)
def test_a_damaged_export_is_refused_with_its_line_and_nothing_is_written(
    archive_world, tmp_path, damage, message
):
    text, number = damaged(export_text(), damage)
    export = write(tmp_path / "damaged.jsonl", text)
    empty_the_archive()
    groups = natural_keys_by_group()

    with pytest.raises(CommandError) as refused:
        import_file(export)

    assert message in str(refused.value)
    assert "Nothing was imported" in str(refused.value)
    if number is not None:
        assert f"line {number}:" in str(refused.value)
    assert set(archive_counts().values()) == {0}
    assert natural_keys_by_group() == groups


def natural_keys_by_group():
    return {g.name: natural_keys(g.permissions) for g in Group.objects.all()}


@pytest.mark.django_db
def test_dry_run_reads_everything_and_keeps_nothing(archive_world, tmp_path):
    export = write(tmp_path / "a.jsonl", export_text())
    empty_the_archive()
    assert "dry run" in import_file(export, "--dry-run")
    assert set(archive_counts().values()) == {0}
