"""The :class:`Dataset` every reader returns."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from analysis.codebook import Codebook
    from analysis.ingest.stored import StoredCodes


@dataclass(frozen=True, init=False)
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
        (:meth:`missing_reason`). The SPSS reader keeps them compactly
        (:class:`~analysis.ingest.stored.StoredCodes`, in :attr:`stored`) and builds this frame
        on each access; :meth:`code_column` gives one column without building the rest. The
        text readers keep a labelled text column as a categorical of its codes (the texts as
        the file has them), not as one string per row.
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
    stored: pd.DataFrame | StoredCodes | None = field(default=None, repr=False)
    path: Path | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def __init__(
        self,
        frame: pd.DataFrame,
        codebook: Codebook,
        codes: pd.DataFrame | StoredCodes | None = None,
        path: Path | None = None,
        tables: dict[str, pd.DataFrame] | None = None,
        warnings: tuple[str, ...] = (),
        stored: pd.DataFrame | StoredCodes | None = None,
    ) -> None:
        # ``stored`` is the field's own name (what dataclasses.replace passes); ``codes`` the public one
        set_ = object.__setattr__
        set_(self, "frame", frame)
        set_(self, "codebook", codebook)
        set_(self, "stored", codes if codes is not None else stored)
        set_(self, "path", path)
        set_(self, "tables", tables if tables is not None else {})
        set_(self, "warnings", tuple(warnings))

    @property
    def codes(self) -> pd.DataFrame | None:
        """The stored codes as a frame (see the class documentation).

        Readers that keep them compactly (:class:`~analysis.ingest.stored.StoredCodes`) build
        the frame anew on each access: for one column use :meth:`code_column`.
        """
        from analysis.ingest.stored import StoredCodes

        if isinstance(self.stored, StoredCodes):
            return self.stored.to_frame()
        return self.stored

    def has_codes(self, column: str) -> bool:
        """Whether the stored codes hold ``column``."""
        return self.stored is not None and column in self.stored.columns

    def code_column(self, column: str) -> pd.Series:
        """One column of the stored codes, or of the frame when there are none.

        Raises
        ------
        KeyError
            Neither holds ``column``.
        """
        from analysis.ingest.stored import StoredCodes

        if isinstance(self.stored, StoredCodes) and column in self.stored:
            return self.stored.column(column)
        if self.stored is not None and column in self.stored.columns:
            return self.stored[column]
        return self.frame[column]

    @property
    def name(self) -> str:
        return self.codebook.dataset

    def __len__(self) -> int:
        return len(self.frame)

    def numeric(self, columns: list[str] | None = None) -> pd.DataFrame:
        """The stored codes as numbers, with user-missing codes set to ``NaN``.

        This is what scale scores and models use: Likert items as 1..5, "weet niet" (8) and
        "n.v.t." (9) missing.

        Parameters
        ----------
        columns
            Columns to return (default: all).

        Returns
        -------
        pandas.DataFrame
            Float columns; text that is not a number, dates and durations become ``NaN``.
        """
        import numpy as np
        import pandas as pd

        from analysis.ingest.labels import missing_mask

        source = self.stored if self.stored is not None else self.frame
        index = source.index
        cols = list(columns) if columns is not None else list(source.columns)
        out = {}
        for name in cols:
            s = self.code_column(name)
            if name in self.codebook:
                s = s.mask(missing_mask(s, self.codebook[name]))
            if isinstance(s.dtype, pd.CategoricalDtype):
                s = s.astype(object)
            if s.dtype.kind in "mM":  # dates and durations are not numbers
                out[name] = pd.Series(np.nan, index=s.index)
                continue
            out[name] = pd.to_numeric(s, errors="coerce").astype(float)
        return pd.DataFrame(out, index=index).replace({None: np.nan})

    def missing_reason(self, column: str) -> pd.Series:
        """Per row, why a value is missing: the label of its user-missing code.

        Parameters
        ----------
        column
            A column of the dataset.

        Returns
        -------
        pandas.Series
            String series: the code's label (``"weet niet"``, StatLine's ``"niet beschikbaar"``),
            ``"missing code 9"`` when the code has no label, and ``NA`` for valid values and
            values that were simply left empty.
        """
        import pandas as pd

        from analysis.ingest.labels import missing_mask

        var = self.codebook[column]
        raw = self.code_column(column)
        mask = missing_mask(raw, var)
        labels = dict(var.value_labels)

        def reason(x: Any) -> Any:
            label = labels.get(x)
            if label is None and isinstance(x, float) and x.is_integer():
                label = labels.get(int(x))
            return label if label is not None else f"missing code {_show(x)}"

        out = pd.Series(pd.NA, index=raw.index, dtype="string")
        if mask.any():
            out[mask] = raw[mask].astype(object).map(reason).astype("string")
        return out

    def with_frame(self, frame: pd.DataFrame) -> Dataset:
        """A copy with another frame (the codebook and source stay)."""
        return replace(self, frame=frame)

    def _repr_html_(self) -> str:
        head = f"<p><b>{self.name}</b>: {len(self.frame)} rows, {len(self.frame.columns)} columns"
        if self.path is not None:
            head += f" from <code>{self.path.name}</code>"
        return head + "</p>" + self.frame.head()._repr_html_()


def _show(x: Any) -> str:
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)
