"""Countries as the matcher's synonyms: what a country's people are called ("German" for
"Germany"), and the region a country is in ("Germany and France" for "European countries").
The data is the countryinfo package's (MIT: 250 countries' names, demonyms, regions and
populations, inside its wheel; nothing is downloaded). Reading its files takes about 0.25 s, so
the few fields used are kept in the cache folder, read back in milliseconds."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from importlib import metadata

import numpy as np

from voice.cache import cached_arrays

log = logging.getLogger(__name__)

PACKAGE = "countryinfo"

REGIONS = {
    "Europe": ("europe", "european", "europeans"),
    "Asia": ("asia", "asian", "asians"),
    "Africa": ("africa", "african", "africans"),
    "Oceania": ("oceania",),
}
"""The regions a country counts toward (PLACE_WEIGHT in voice.match), each with the words a
question uses for it. The Americas are left out: "America" and "American" mean the United States
(voice/data/synonyms.txt)."""


@dataclass(frozen=True)
class Country:
    name: str
    people: tuple[str, ...]
    """What its people are called, singular and plural ("German", "Germans")."""
    region: str


@functools.cache
def countries() -> tuple[Country, ...]:
    """Every country the package knows, the most populous first (so that a word two countries
    share, "French" for France and for Mayotte, goes to the larger); () with one warning when
    the package is missing: countries then match by their own names only."""
    try:
        version = metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        log.warning(
            "countries: the %s package is not installed, so a country is not read as its "
            "region; run `make install` (or pip install %s)",
            PACKAGE,
            PACKAGE,
        )
        return ()
    table = cached_arrays(f"countries-{version}.npz", _read_package)
    return tuple(
        Country(str(name), tuple(str(people).split("|")) if people else (), str(region))
        for name, people, region in zip(
            table["names"], table["people"], table["regions"], strict=True
        )
    )


def _read_package() -> dict[str, np.ndarray]:
    from countryinfo import all_countries

    rows = []
    for country in all_countries():
        info = country.info()
        people: list[str] = []
        for demonym in str(info.get("demonym") or "").split(","):
            demonym = demonym.strip()
            if demonym:
                people.append(demonym)
                if demonym[-1] in "ni":  # German -> Germans, Israeli -> Israelis
                    people.append(f"{demonym}s")
        rows.append(
            (-(info.get("population") or 0), info["name"], "|".join(people), info.get("region"))
        )
    rows.sort(key=lambda row: row[0])
    return {
        "names": np.array([row[1] for row in rows], dtype=str),
        "people": np.array([row[2] for row in rows], dtype=str),
        "regions": np.array([row[3] or "" for row in rows], dtype=str),
    }


def people_groups() -> list[list[str]]:
    """Each country with what its people are called, as synonym groups ("germany, german,
    germans"): one term for all three. A word goes to the first country that has it."""
    groups: list[list[str]] = []
    taken: set[str] = set()
    for country in countries():
        spellings = [w for w in (country.name, *country.people) if w.casefold() not in taken]
        taken.update(w.casefold() for w in spellings)
        if len(spellings) > 1:
            groups.append(spellings)
    return groups


def region_terms(terms: Callable[[str], list[str]], asked: Collection[str]) -> dict[str, str]:
    """A country's term -> its region's, for every country in a region whose term is among the
    ``asked`` (the knowledge base's question terms) when the country's own is not: a knowledge
    base that asks about Russia keeps Russia apart from Europe. ``terms``: the matcher's
    analyzer; countries whose names are more than one term ("United Kingdom") are left out."""
    regions: dict[str, str] = {}
    for region, spoken in REGIONS.items():
        said = [t for word in spoken for t in terms(word) if t in asked]
        if said:
            regions[region] = said[0]  # the region's word the questions use ("asian")
    found: dict[str, str] = {}
    for country in countries():
        term = terms(country.name)
        if country.region in regions and len(term) == 1 and term[0] not in asked:
            found.setdefault(term[0], regions[country.region])
    return found
