"""Which outlet published a document, from the evidence the document carries.

Evidence, strongest first: the source URL's domain (a reprint on another site is that
site's), the page's or record's site name, the dateline's agency tag ("/TASS/",
"(Xinhua)"), a "Source:" line. Known outlets come from the gazetteer; evidence naming an
outlet the gazetteer lacks yields a new outlet flagged for review; no evidence, no outlet.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class OutletFinding:
    name: str
    known: bool
    via: str  # domain | site_name | record | dateline | source_line
    evidence: str
    domain: str = ""
    slug: str = ""


def _key(text):
    return re.sub(r"[^\w]+", " ", text.casefold()).strip()


def host_of(url):
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.").removeprefix("m.")


class OutletDirectory:
    def __init__(self, outlets):
        self.by_domain, self.by_name, self.by_tag = {}, {}, {}
        for outlet in outlets:
            for domain in outlet.domains:
                self.by_domain[domain.lower().removeprefix("www.")] = outlet
            for name in (outlet.name, *outlet.aliases):
                self.by_name.setdefault(_key(name), outlet)
            for tag in outlet.dateline_tags:
                self.by_tag.setdefault(_key(tag), outlet)

    def by_host(self, host):
        parts = host.split(".")
        for start in range(len(parts) - 1):
            outlet = self.by_domain.get(".".join(parts[start:]))
            if outlet:
                return outlet
        return None

    def named(self, name):
        key = _key(name)
        return self.by_name.get(key) or self.by_tag.get(key)

    def resolve(self, url="", site_name="", record_outlet="", dateline_tag="", source_lines=()):
        host = host_of(url) if url else ""
        if host and (outlet := self.by_host(host)):
            return OutletFinding(outlet.name, True, "domain", host, host, outlet.slug)
        for via, name in (("record", record_outlet), ("site_name", site_name)):
            if name and (outlet := self.named(name)):
                return OutletFinding(outlet.name, True, via, name, host, outlet.slug)
        if host:
            return OutletFinding(site_name or record_outlet or host, False, "domain", host, host)
        for via, name in (("record", record_outlet), ("site_name", site_name)):
            if name:
                return OutletFinding(name.strip(), False, via, name)
        if dateline_tag:
            outlet = self.by_tag.get(_key(dateline_tag)) or self.named(dateline_tag)
            if outlet:
                return OutletFinding(outlet.name, True, "dateline", dateline_tag, "", outlet.slug)
        for line in source_lines:
            if outlet := self.named(line):
                return OutletFinding(outlet.name, True, "source_line", line, "", outlet.slug)
        if dateline_tag:
            return OutletFinding(dateline_tag, False, "dateline", dateline_tag)
        if source_lines:
            return OutletFinding(source_lines[0], False, "source_line", source_lines[0])
        return None
