"""Importing files through the admin: one result per document, bad files fail alone."""

import json

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archive.ingest.gazetteer import Gazetteer
from archive.ingest.store import load_gazetteer
from archive.models import Article
from tests.ingest.conftest import SMALL_GAZETTEER

pytestmark = pytest.mark.django_db

UPLOAD = reverse("admin:archive_article_upload")
STORY = """ date 2024-10-14 https://tass.com/defense/1856001
Belousov and Dong Jun hold talks in Beijing
BEIJING, October 14. /TASS/. Russian Defense Minister Andrei Belousov and Chinese Defense Minister Dong Jun held talks in Beijing on Monday.
The ministers discussed joint exercises and the situation in the Asia-Pacific region.
"""


@pytest.fixture(autouse=True)
def gazetteer(db):
    load_gazetteer(Gazetteer.from_dict(SMALL_GAZETTEER))


def upload(client, *files):
    return client.post(UPLOAD, {"files": list(files)})


def test_the_upload_page_loads(curator_client):
    response = curator_client.get(UPLOAD)
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()
    assert "multiple" in response.content.decode()


def test_good_files_import_and_bad_ones_are_reported(curator_client, curator):
    response = upload(
        curator_client,
        SimpleUploadedFile("talks.txt", STORY.encode()),
        SimpleUploadedFile("empty.txt", b""),
        SimpleUploadedFile("blob.bin", bytes(range(256)) * 8),
    )
    assert response.status_code == 200
    rows = {row["file"]: row for row in response.context["results"]}
    assert rows["talks.txt"]["status"] == "imported", rows["talks.txt"]["message"]
    assert rows["empty.txt"]["status"] == "failed"
    assert "empty" in rows["empty.txt"]["message"]
    assert rows["blob.bin"]["status"] == "failed"
    assert "binary" in rows["blob.bin"]["message"]

    article = Article.objects.get()
    assert article.title == "Belousov and Dong Jun hold talks in Beijing"
    assert article.outlet.name == "TASS"
    content = response.content.decode()
    assert reverse("admin:archive_article_change", args=[article.pk]) in content
    assert "empty.txt" in content and "binary" in content
    entry = LogEntry.objects.get(object_id=str(article.pk))
    assert (entry.action_flag, entry.user) == (ADDITION, curator)
    assert "talks.txt" in entry.change_message


def test_json_lines_report_each_line(curator_client):
    good = {
        "title": "Austin and Dong Jun hold video call",
        "body": "US Defense Secretary Lloyd Austin and Chinese Defense Minister Dong Jun spoke by video call on Tuesday.",
        "url": "https://example.org/a",
        "published": "2024-04-16",
    }
    lines = "\n".join([json.dumps(good), "{not json"]).encode()
    response = upload(curator_client, SimpleUploadedFile("records.jsonl", lines))
    statuses = {row["file"]: row["status"] for row in response.context["results"]}
    assert statuses["records.jsonl#2"] == "failed"
    assert statuses["records.jsonl#1"] in {"imported", "needs_review"}


def test_same_file_twice_in_a_batch_is_a_duplicate(curator_client):
    response = upload(
        curator_client,
        SimpleUploadedFile("a.txt", STORY.encode()),
        SimpleUploadedFile("a.txt", STORY.encode()),
    )
    assert [row["status"] for row in response.context["results"]] == ["imported", "duplicate"]
    assert Article.objects.count() == 1


def test_a_hostile_file_name_stays_a_name(curator_client):
    response = upload(curator_client, SimpleUploadedFile("../../etc/<b>x</b>.txt", STORY.encode()))
    [row] = response.context["results"]
    assert row["status"] == "imported"
    assert "<b>x</b>" not in response.content.decode()


def test_no_files_is_a_form_error(curator_client):
    response = curator_client.post(UPLOAD, {})
    assert response.status_code == 200
    assert response.context["form"].errors["files"]
    assert response.context["results"] is None


def test_readers_cannot_upload(reader_client):
    assert reader_client.get(UPLOAD).status_code == 403
    response = upload(reader_client, SimpleUploadedFile("a.txt", STORY.encode()))
    assert response.status_code == 403
    assert not Article.objects.exists()
