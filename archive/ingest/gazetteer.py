"""The gazetteer: known outlets, organizations and people, as plain data.

fixtures/gazetteer.json holds the curated starting set; the archive's database holds the
living one (store.py builds a Gazetteer from it). The pipeline only ever sees this module's
dataclasses, so it runs without Django.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class OutletEntry:
    name: str
    slug: str = ""
    domains: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    dateline_tags: tuple[str, ...] = ()
    country: str = ""
    kind: str = "unknown"


@dataclass(frozen=True)
class OrganizationEntry:
    name: str
    slug: str
    kind: str = "other"
    country: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class PositionEntry:
    title: str
    role: str = "other"
    organization: str = ""  # organization slug
    start: date | None = None
    end: date | None = None
    approximate: bool = False

    def held_on(self, day):
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class PersonEntry:
    name: str
    slug: str
    country: str = ""
    aliases: tuple[str, ...] = ()
    positions: tuple[PositionEntry, ...] = ()


@dataclass
class Gazetteer:
    outlets: list[OutletEntry] = field(default_factory=list)
    organizations: list[OrganizationEntry] = field(default_factory=list)
    people: list[PersonEntry] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data):
        return cls(
            outlets=[
                OutletEntry(
                    name=o["name"],
                    slug=o.get("slug", ""),
                    domains=tuple(d.lower() for d in o.get("domains", [])),
                    aliases=tuple(o.get("aliases", [])),
                    dateline_tags=tuple(o.get("dateline_tags", [])),
                    country=o.get("country") or "",
                    kind=o.get("kind", "unknown"),
                )
                for o in data.get("outlets", [])
            ],
            organizations=[
                OrganizationEntry(
                    name=o["name"],
                    slug=o["slug"],
                    kind=o.get("kind", "other"),
                    country=o.get("country") or "",
                    aliases=tuple(o.get("aliases", [])),
                )
                for o in data.get("organizations", [])
            ],
            people=[
                PersonEntry(
                    name=p["name"],
                    slug=p["slug"],
                    country=p.get("country") or "",
                    aliases=tuple(p.get("aliases", [])),
                    positions=tuple(
                        PositionEntry(
                            title=pos["title"],
                            role=pos.get("role", "other"),
                            organization=pos.get("organization") or "",
                            start=_date(pos.get("start")),
                            end=_date(pos.get("end")),
                            approximate=bool(pos.get("approx", False)),
                        )
                        for pos in p.get("positions", [])
                    ),
                )
                for p in data.get("people", [])
            ],
        )

    @classmethod
    def from_file(cls, path):
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def _date(value):
    return date.fromisoformat(value) if value else None


DEFAULT_GAZETTEER_PATH = (
    Path(__file__).resolve().parent.parent.parent / "fixtures" / "gazetteer.json"
)
