"""Statistical disclosure control: nothing reaches a report that did not pass through here.

The themes of these studies (forced marriage, honour-related violence, small
communities) make a recognisable respondent a real danger, so publishing safely is
the default. The public surface, by family:

Policy
    :class:`Policy` -- thresholds, read from the ``disclosure:`` section of study.yml.
Tables (counts, percentages, means)
    :func:`crosstab`, :func:`frequency`, :func:`suppress_counts`, :func:`group_means`
    return a :class:`DisclosedTable`, the only object tables, figures and spreadsheets
    are built from. Suppressions are recorded in a :class:`SuppressionLog`.
    :func:`estimates_table` makes an :class:`EstimatesTable` (a model's estimates, statistics
    of published counts), a DisclosedTable too.
    :func:`count_table` gives the unsuppressed counts a statistical test needs (never published).
Microdata
    :func:`k_anonymity`, :func:`require_k_anonymity`.
Quotes and open text
    :func:`pseudonymise`, :func:`speaker_label`, :class:`SpeakerLabels`,
    :func:`select_quotes`, :class:`NameList`.
Geography
    :func:`municipality_fallback`.
Output
    :func:`appendix_html`, :func:`write_tables_xlsx`.

Examples
--------
>>> import pandas as pd
>>> from analysis.disclosure import Policy, frequency
>>> df = pd.DataFrame({"gemeente": ["A"] * 40 + ["B"] * 4 + ["C"] * 12})
>>> t = frequency(df, "gemeente", Policy())
>>> t.to_frame()["n"].tolist()
['40', '<10', 'x', '56']
"""

from analysis.disclosure.kanon import KAnonymityReport, k_anonymity, require_k_anonymity
from analysis.disclosure.log import SuppressionEntry, SuppressionLog
from analysis.disclosure.municipality import MunicipalityGrouping, municipality_fallback
from analysis.disclosure.policy import Policy
from analysis.disclosure.quotes import (
    NameList,
    QuoteSelection,
    Replacement,
    SpeakerLabels,
    pseudonymise,
    select_quotes,
    speaker_label,
)
from analysis.disclosure.render import appendix_html, write_tables_xlsx
from analysis.disclosure.tables import (
    DisclosedTable,
    EstimatesTable,
    count_table,
    crosstab,
    estimates_table,
    frequency,
    group_means,
    suppress_counts,
)

__all__ = [
    "DisclosedTable",
    "EstimatesTable",
    "KAnonymityReport",
    "MunicipalityGrouping",
    "NameList",
    "Policy",
    "QuoteSelection",
    "Replacement",
    "SpeakerLabels",
    "SuppressionEntry",
    "SuppressionLog",
    "appendix_html",
    "count_table",
    "crosstab",
    "estimates_table",
    "frequency",
    "group_means",
    "k_anonymity",
    "municipality_fallback",
    "pseudonymise",
    "require_k_anonymity",
    "select_quotes",
    "speaker_label",
    "suppress_counts",
    "write_tables_xlsx",
]
