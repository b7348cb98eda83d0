"""Write tests/reference/bruggen_roundtrip.sav with Bruggen's own SPSS writer.

The file is synthetic (made up here). R haven reads it in haven_roundtrip.R and records what it
sees in haven_roundtrip.json; tests/ingest/test_spss.py checks that record against this
Dataset, so CI (which has no R) still checks that another implementation reads our metadata.

Run from the repository root: ``.venv/bin/python tests/reference/bruggen_roundtrip.py``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.codebook import Codebook, Variable
from analysis.ingest import Dataset, spss

HERE = Path(__file__).resolve().parent
SAV = HERE / "bruggen_roundtrip.sav"


def reference_dataset() -> Dataset:
    """A small synthetic survey with every kind of metadata Bruggen writes."""
    codes = pd.DataFrame(
        {
            "resp_id": [1.0, 2.0, 3.0, 4.0, 5.0],
            "trust_1": [1.0, 5.0, 8.0, 9.0, 3.0],
            "income": [1200.0, -1.0, 2500.0, -7.0, 99999.0],
            "org_type": ["formeel", "informeel", "onbekend", "formeel", "informeel"],
            "remark": ["", "fijne samenwerking", "té weinig tijd", "", "n.v.t."],
        }
    )
    book = Codebook(
        dataset="bruggen_roundtrip",
        title="Bruggen round trip (synthetic)",
        variables=(
            Variable("resp_id", "Respondentnummer", "numeric", "nominal", format="F8.0"),
            Variable(
                "trust_1",
                "[Partner] doet wat is afgesproken",
                "numeric",
                "ordinal",
                value_labels={
                    1: "helemaal oneens",
                    3: "neutraal",
                    5: "helemaal eens",
                    8: "weet niet",
                    9: "n.v.t.",
                },
                missing_values=[8, 9],
                format="F1.0",
            ),
            Variable(
                "income",
                "Maandinkomen (euro)",
                "numeric",
                "scale",
                value_labels={99999: "wil niet zeggen"},
                missing_values=[99999],
                missing_ranges=[[float("-inf"), -1]],
                format="F8.2",
            ),
            Variable(
                "org_type",
                "Soort organisatie",
                "string",
                "nominal",
                value_labels={"formeel": "Formele organisatie", "informeel": "Informele organisatie"},
                missing_values=["onbekend"],
                format="A12",
            ),
            Variable("remark", "Toelichting (open antwoord)", "string", "nominal", format="A40", pii=True),
        ),
    )
    return Dataset(frame=codes, codebook=book, codes=codes)


if __name__ == "__main__":
    spss.write(reference_dataset(), SAV)
    print(f"wrote {SAV}")
