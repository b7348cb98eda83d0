"""labelled_frame finds the labels of pyarrow text codes in Arrow as it does for Python strings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.codebook import Codebook, Variable
from analysis.ingest.labels import labelled_frame


@pytest.mark.parametrize("measure", ["nominal", "ordinal"])
def test_arrow_text_codes_get_the_same_categories_as_python_strings(measure):
    values = ["ja", "nee", None, "ja", "weet niet", "1", "nee"] * 3
    book = Codebook(
        "t",
        (
            Variable(
                "a", measure=measure, value_labels={"ja": "Ja", "nee": "Nee", 1: "Een", "weet niet": "?"}
            ),
            Variable("b", value_labels={"ja": "Ja", "nee": "Nee"}, missing_values=["weet niet"]),
            Variable("c", value_labels={"ja": "Ja", "nee": "Nee"}, missing_values=["weet niet"]),
        ),
    )
    arrow = pd.StringDtype("pyarrow", na_value=np.nan)
    other = ["ja" if v == "1" else v for v in values]
    texts = pd.DataFrame(
        {
            "a": pd.Series(other, dtype=arrow),
            "b": pd.Series(values, dtype=arrow),
            "c": pd.Series(other, dtype=arrow),
        }
    )
    objects = texts.astype(object)
    new = labelled_frame(texts, book)
    old = labelled_frame(objects, book)
    assert not isinstance(new["b"].dtype, pd.CategoricalDtype)  # "1" is no label of b: b stays text
    for name in ("a", "c"):
        assert isinstance(old[name].dtype, pd.CategoricalDtype)
        pd.testing.assert_series_equal(new[name], old[name])
    assert new["a"].tolist()[3:6] == ["Ja", "?", "Ja"]  # a number key before the text keys
    assert list(new["a"].cat.categories) == ["Een", "Ja", "Nee", "?"]
    assert new["c"].tolist()[:6] == ["Ja", "Nee", np.nan, "Ja", np.nan, "Ja"]
