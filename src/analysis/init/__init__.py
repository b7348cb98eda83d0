"""``bruggen init``: describe a folder of data files as a study, with a proposed analysis plan.

:func:`init_study` reads every data file in a folder (``FOLDER/data/raw`` when it exists,
else ``FOLDER`` and its subfolders) with :func:`analysis.ingest.read`, and writes

- ``study.yml``: a dataset per file, the disclosure defaults, and a *proposed* analysis plan
  (``plan:`` and ``analyses:``, see :mod:`analysis.plan`);
- ``codebooks/<dataset>.yml``: each file's codebook, as the file describes itself;
- ``expectations/<dataset>.json``: the validation suites generated from those codebooks.

The plan is a set of guesses from names, labels and values (:func:`propose`): nothing in it
is taken for granted. Every proposed binding stands on its own line with a comment
``# REVIEW: guessed from <reason>``, and every part of the plan it could not find is left out
with a comment ``# NOT FOUND: ...`` saying what is missing. The rules are generic: they look for
what a study of formal-informal collaboration holds, in Dutch and English names and labels.

============================  ===============================================================
part / role                   recognised by
============================  ===============================================================
survey                        the dataset (not a REFI-QDA project, municipality frame or log)
                              with the most labelled variables, then the most rows
survey.id                     a unique, complete column named like an identifier
survey.side                   a variable with two values labelled formal/informal
                              (formeel/informeel, professional/vrijwilliger, sleutelpersoon)
survey.municipality           values that look like CBS municipality codes (GM + 4 digits)
survey.respondent_type        a category labelled like "type respondent" or "role"
survey.collaboration_form     a category labelled like "samenwerkingsvorm" / "form of
                              collaboration" with a value labelled structureel/structural
survey.scales                 Likert batteries: three or more neighbouring items sharing one
                              ordered answer scale of four or more points
survey.reach                  counts labelled "bereik"/"reach" and "doelgroep"/"target"
municipalities                a dataset whose municipality codes are unique and that has a
                              name column; region, size, population by name or label
referrals                     a dataset with two date columns and a column whose values are
                              survey identifiers (the sender)
interviews                    a REFI-QDA project (or codings table): its ``case`` column and
                              the side from its case attributes
============================  ===============================================================

Analyses (:data:`analysis.plan.ANALYSES`) are proposed wherever the parts they need are bound
(:mod:`analysis.init.analyses`); for each kind that is not, a ``# NOT FOUND`` line says what is
missing. The modules: :mod:`~analysis.init.table` (a file as read, and the patterns),
:mod:`~analysis.init.model` (the proposal), :mod:`~analysis.init.columns` (columns found by their
values), :mod:`~analysis.init.survey`, :mod:`~analysis.init.parts` and
:mod:`~analysis.init.analyses` (the rules per part), :mod:`~analysis.init.proposal` (all of them)
and :mod:`~analysis.init.folder` (reading a folder, writing study.yml, the summary).
"""

from analysis.init.folder import (
    DISCLOSURE,
    NAMES_FILE,
    SKIP_DIRS,
    InitResult,
    data_folder,
    find_files,
    init_study,
    read_tables,
    render,
    summary,
)
from analysis.init.model import Guess, Proposal
from analysis.init.proposal import propose
from analysis.init.table import MOST, Table

__all__ = [
    "DISCLOSURE",
    "MOST",
    "NAMES_FILE",
    "SKIP_DIRS",
    "Guess",
    "InitResult",
    "Proposal",
    "Table",
    "data_folder",
    "find_files",
    "init_study",
    "propose",
    "read_tables",
    "render",
    "summary",
]
