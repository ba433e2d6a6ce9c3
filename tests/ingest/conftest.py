import pytest

from archive.ingest.gazetteer import Gazetteer

SMALL_GAZETTEER = {
    "outlets": [
        {
            "name": "TASS",
            "slug": "tass",
            "domains": ["tass.com", "tass.ru"],
            "country": "RU",
            "kind": "state_agency",
            "aliases": ["ТАСС"],
            "dateline_tags": ["/TASS/", "/ТАСС/"],
        },
        {
            "name": "Xinhua",
            "slug": "xinhua",
            "domains": ["news.cn", "xinhuanet.com"],
            "country": "CN",
            "kind": "state_agency",
            "aliases": [],
            "dateline_tags": ["(Xinhua)"],
        },
        {
            "name": "Global Times",
            "slug": "global-times",
            "domains": ["globaltimes.cn"],
            "country": "CN",
            "kind": "newspaper",
            "aliases": [],
            "dateline_tags": [],
        },
    ],
    "organizations": [],
    "people": [],
}


@pytest.fixture
def small_gazetteer():
    return Gazetteer.from_dict(SMALL_GAZETTEER)
