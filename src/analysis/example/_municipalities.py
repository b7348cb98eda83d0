"""The municipality frame of the example study: real CBS codes and names, synthetic numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: (CBS code, name, approximate population 2024 rounded to thousands, Veilig Thuis region).
#: The last three are very small municipalities: they get only a handful of respondents,
#: so disclosure control has something to suppress.
MUNICIPALITIES: tuple[tuple[str, str, int, str], ...] = (
    ("GM0363", "Amsterdam", 931_000, "Amsterdam-Amstelland"),
    ("GM0599", "Rotterdam", 664_000, "Rotterdam-Rijnmond"),
    ("GM0518", "'s-Gravenhage", 562_000, "Haaglanden"),
    ("GM0344", "Utrecht", 374_000, "Utrecht"),
    ("GM0772", "Eindhoven", 246_000, "Brabant-Zuidoost"),
    ("GM0014", "Groningen", 240_000, "Groningen"),
    ("GM0855", "Tilburg", 229_000, "Midden-Brabant"),
    ("GM0034", "Almere", 226_000, "Flevoland"),
    ("GM0758", "Breda", 187_000, "West-Brabant"),
    ("GM0268", "Nijmegen", 186_000, "Gelderland-Zuid"),
    ("GM0202", "Arnhem", 167_000, "Gelderland-Midden"),
    ("GM0392", "Haarlem", 166_000, "Kennemerland"),
    ("GM0153", "Enschede", 162_000, "Twente"),
    ("GM0479", "Zaanstad", 160_000, "Zaanstreek-Waterland"),
    ("GM0796", "'s-Hertogenbosch", 160_000, "Brabant-Noordoost"),
    ("GM0193", "Zwolle", 133_000, "IJsselland"),
    ("GM0546", "Leiden", 127_000, "Hollands Midden"),
    ("GM0505", "Dordrecht", 121_000, "Zuid-Holland Zuid"),
    ("GM0794", "Helmond", 94_000, "Brabant-Zuidoost"),
    ("GM0606", "Schiedam", 80_000, "Rotterdam-Rijnmond"),
    ("GM0513", "Gouda", 75_000, "Hollands Midden"),
    ("GM0622", "Vlaardingen", 75_000, "Rotterdam-Rijnmond"),
    ("GM0096", "Vlieland", 1_200, "Fryslân"),
    ("GM0088", "Schiermonnikoog", 950, "Fryslân"),
    ("GM0277", "Rozendaal", 1_700, "Gelderland-Midden"),
)

#: Respondents in each very small municipality (fixed, not drawn).
SMALL_MUNICIPALITY_RESPONDENTS = {"GM0096": 2, "GM0088": 3, "GM0277": 4}

SIZE_CLASSES = ("<50k", "50-100k", "100-250k", ">250k")


def size_class(population: int) -> str:
    """CBS-style size class of a municipality by number of inhabitants."""
    if population < 50_000:
        return "<50k"
    if population < 100_000:
        return "50-100k"
    if population < 250_000:
        return "100-250k"
    return ">250k"


def make_municipalities(rng: np.random.Generator) -> pd.DataFrame:
    """The municipality frame.

    Parameters
    ----------
    rng
        The study's random generator.

    Returns
    -------
    pandas.DataFrame
        Columns ``municipality_code, municipality_name, pop_total, target_pop_estimate,
        vt_region, size_class``. ``target_pop_estimate`` (the size of the target group, the
        denominator for reach per 1,000) is synthetic: 2-9 % of the population, larger
        shares in the big cities.
    """
    rows = []
    for code, name, population, region in MUNICIPALITIES:
        share = 0.025 + 0.04 * min(population / 600_000, 1.0) + rng.uniform(0.0, 0.02)
        target = (
            int(round(population * share / 10.0) * 10) if population > 10_000 else int(population * share)
        )
        rows.append(
            {
                "municipality_code": code,
                "municipality_name": name,
                "pop_total": population,
                "target_pop_estimate": max(target, 10),
                "vt_region": region,
                "size_class": size_class(population),
            }
        )
    return pd.DataFrame(rows)
