"""Small builders for test records; each call makes a distinct, valid record."""

import hashlib
import itertools

from archive.curation import refresh_mentioned
from archive.models import (
    Article,
    ArticleSource,
    Meeting,
    MeetingReport,
    Mention,
    Organization,
    OrganizationAlias,
    Outlet,
    Participation,
    Person,
    PersonAlias,
    Position,
    Quote,
)

_counter = itertools.count(1)


def make_outlet(**fields):
    n = next(_counter)
    defaults = {"name": f"Outlet {n}", "slug": f"outlet-{n}", "kind": Outlet.Kind.NEWSPAPER}
    return Outlet.objects.create(**{**defaults, **fields})


def make_person(aliases=(), **fields):
    n = next(_counter)
    defaults = {"name": f"Person {n}", "slug": f"person-{n}"}
    person = Person.objects.create(**{**defaults, **fields})
    for alias in aliases:
        PersonAlias.objects.create(person=person, name=alias)
    return person


def make_organization(aliases=(), **fields):
    n = next(_counter)
    defaults = {"name": f"Organization {n}", "slug": f"organization-{n}"}
    organization = Organization.objects.create(**{**defaults, **fields})
    for alias in aliases:
        OrganizationAlias.objects.create(organization=organization, name=alias)
    return organization


def make_position(person, **fields):
    defaults = {"title": "Minister of Defence", "role": "defense_minister"}
    return Position.objects.create(person=person, **{**defaults, **fields})


def make_article(**fields):
    n = next(_counter)
    body = fields.pop("body", f"Body text of article number {n}.")
    defaults = {
        "title": f"Article {n}",
        "body": body,
        "raw_text": body,
        "language": "en",
        "content_hash": hashlib.sha256(f"{body}-{n}".encode()).hexdigest(),
    }
    if fields.get("published_date"):
        defaults["date_precision"] = "day"
        defaults["date_confidence"] = "exact"
    return Article.objects.create(**{**defaults, **fields})


def make_source(article, **fields):
    n = next(_counter)
    defaults = {"raw_text": f"copy {n}", "raw_hash": f"{n:064d}"}
    return ArticleSource.objects.create(article=article, **{**defaults, **fields})


def make_mention(article, entity, text=None, **fields):
    """A mention of a person or organization at the first place `text` occurs in the body."""
    text = text or entity.name
    start = article.body.find(text)
    if start < 0:
        start = 0
    key = "person" if isinstance(entity, Person) else "organization"
    defaults = {"start": start, "end": start + len(text), "text": text}
    mention = Mention.objects.create(article=article, **{key: entity}, **{**defaults, **fields})
    # As the importer does: the article is found by every name of the people it mentions.
    refresh_mentioned(Article.objects.filter(pk=article.pk))
    return mention


def make_quote(article, person, text="We agreed to deepen cooperation.", **fields):
    return Quote.objects.create(article=article, person=person, text=text, **fields)


def make_meeting(participants=(), articles=(), **fields):
    """A meeting; participants are people or (person, role_title) pairs."""
    defaults = {"place": "Beijing", "format": Meeting.Format.IN_PERSON}
    if fields.get("date"):
        defaults["date_precision"] = "day"
    meeting = Meeting.objects.create(**{**defaults, **fields})
    for participant in participants:
        person, role_title = participant if isinstance(participant, tuple) else (participant, "")
        Participation.objects.create(meeting=meeting, person=person, role_title=role_title)
    for article in articles:
        evidence = f"{article.title}: the ministers met."
        MeetingReport.objects.create(meeting=meeting, article=article, evidence=evidence)
    return meeting
