"""A small gazetteer written for the extraction tests (public facts)."""

from archive.ingest.gazetteer import Gazetteer


def position(title, role, org, start, end=None):
    return {"title": title, "role": role, "organization": org, "start": start, "end": end}


PEOPLE = [
    {
        "name": "Sergei Shoigu",
        "slug": "sergei-shoigu",
        "country": "RU",
        "aliases": ["Sergey Shoigu", "Shoygu", "Шойгу", "Сергей Шойгу"],
        "positions": [
            position(
                "Minister of Defence", "defense_minister", "ru-mod", "2012-11-06", "2024-05-12"
            ),
            position(
                "Secretary of the Security Council", "security_council_secretary", "", "2024-05-12"
            ),
        ],
    },
    {
        "name": "Andrei Belousov",
        "slug": "andrei-belousov",
        "country": "RU",
        "aliases": ["Andrey Belousov", "Белоусов", "Андрей Белоусов"],
        "positions": [position("Minister of Defence", "defense_minister", "ru-mod", "2024-05-14")],
    },
    {
        "name": "Wei Fenghe",
        "slug": "wei-fenghe",
        "country": "CN",
        "aliases": ["魏凤和"],
        "positions": [
            position(
                "Minister of National Defense",
                "defense_minister",
                "cn-mnd",
                "2018-03-19",
                "2023-03-12",
            )
        ],
    },
    {
        "name": "Li Shangfu",
        "slug": "li-shangfu",
        "country": "CN",
        "aliases": [],
        "positions": [
            position(
                "Minister of National Defense",
                "defense_minister",
                "cn-mnd",
                "2023-03-12",
                "2023-10-24",
            )
        ],
    },
    {
        "name": "Dong Jun",
        "slug": "dong-jun",
        "country": "CN",
        "aliases": ["董军", "Дун Цзюнь"],
        "positions": [
            position("Minister of National Defense", "defense_minister", "cn-mnd", "2023-12-29")
        ],
    },
    {
        "name": "Valery Gerasimov",
        "slug": "valery-gerasimov",
        "country": "RU",
        "aliases": ["Герасимов"],
        "positions": [
            position("Chief of the General Staff", "chief_of_general_staff", "ru-gs", "2012-11-09")
        ],
    },
]
ORGANIZATIONS = [
    {
        "name": "Ministry of Defence of the Russian Federation",
        "slug": "ru-mod",
        "kind": "ministry",
        "country": "RU",
        "aliases": ["Russian Defense Ministry"],
    },
    {
        "name": "Ministry of National Defense of China",
        "slug": "cn-mnd",
        "kind": "ministry",
        "country": "CN",
        "aliases": ["Chinese Defense Ministry"],
    },
    {
        "name": "General Staff of the Russian Armed Forces",
        "slug": "ru-gs",
        "kind": "general_staff",
        "country": "RU",
        "aliases": [],
    },
    {
        "name": "Shanghai Cooperation Organization",
        "slug": "sco",
        "kind": "multilateral",
        "country": None,
        "aliases": ["SCO"],
    },
]
OUTLETS = [
    {
        "name": "TASS",
        "slug": "tass",
        "domains": ["tass.com"],
        "country": "RU",
        "kind": "state_agency",
        "aliases": [],
        "dateline_tags": ["/TASS/"],
    },
    {
        "name": "Xinhua",
        "slug": "xinhua",
        "domains": ["news.cn"],
        "country": "CN",
        "kind": "state_agency",
        "aliases": [],
        "dateline_tags": ["(Xinhua)"],
    },
]
DATA = {"outlets": OUTLETS, "organizations": ORGANIZATIONS, "people": PEOPLE}


def gazetteer():
    return Gazetteer.from_dict(DATA)
