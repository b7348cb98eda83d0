"""The :class:`Dataset` every reader returns."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from analysis.codebook import Codebook


@dataclass(frozen=True)
class Dataset:
    """A frame with its codebook.

    Attributes
    ----------
    frame
        One row per unit. Labelled columns are pandas categoricals carrying the value labels
        (ordered for ordinal variables); user-defined missing codes are missing (``NA``).
    codebook
        Variables, labels, value labels, missing codes.
    codes
        The same columns as stored in the file: numeric codes, with user-missing codes kept.
        Use it when you need the number behind a label, or why a value is missing
        (:meth:`missing_reason`).
    path
        The file it came from.
    tables
        Extra tables for multi-table sources (a REFI-QDA project has ``codes``, ``sources``,
        ``cases``, ``codings``); empty for a plain survey file.
    warnings
        Things the reader noticed but could work around (shown to the researcher).
    """

    frame: pd.DataFrame
    codebook: Codebook
    codes: pd.DataFrame | None = None
    path: Path | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.codebook.dataset

    def __len__(self) -> int:
        return len(self.frame)

    def numeric(self, columns: list[str] | None = None) -> pd.DataFrame:
        """The stored codes as numbers, with user-missing codes set to ``NaN``.

        This is what scale scores and models use: Likert items as 1..5, "weet niet" (8) and
        "n.v.t." (9) missing.
        """
        import numpy as np
        import pandas as pd

        source = self.codes if self.codes is not None else self.frame
        cols = columns if columns is not None else list(source.columns)
        out = {}
        for name in cols:
            s = source[name]
            if name in self.codebook:
                var = self.codebook[name]
                if var.missing_values or var.missing_ranges:
                    s = s.mask(s.map(lambda x, v=var: v.is_missing_code(x) if x == x else False).astype(bool))
            out[name] = pd.to_numeric(s, errors="coerce").astype(float)
        return pd.DataFrame(out, index=source.index).replace({None: np.nan})

    def missing_reason(self, column: str) -> pd.Series:
        """Per row, the label of the user-missing code (``"weet niet"``), else ``NA``."""
        import pandas as pd

        var = self.codebook[column]
        source = self.codes if self.codes is not None else self.frame
        raw = source[column]

        def reason(x: Any) -> Any:
            if x is None or x != x or not var.is_missing_code(x):
                return pd.NA
            return var.value_labels.get(x, f"missing code {x}")

        return raw.map(reason).astype("string")

    def with_frame(self, frame: pd.DataFrame) -> Dataset:
        """A copy with another frame (the codebook and source stay)."""
        return replace(self, frame=frame)

    def _repr_html_(self) -> str:
        head = f"<p><b>{self.name}</b>: {len(self.frame)} rows, {len(self.frame.columns)} columns"
        if self.path is not None:
            head += f" from <code>{self.path.name}</code>"
        return head + "</p>" + self.frame.head()._repr_html_()
