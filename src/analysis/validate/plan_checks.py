"""The analysis-plan checks of the validation gate live here.

:func:`plan_checks` is called by :func:`analysis.validate.gate.run` after the cross-dataset
checks, with the study and the datasets that could be read (name -> Dataset); it returns a
list of :class:`~analysis.validate.checks.Check`. Until the analysis plan is checked, it
returns no checks.
"""


def plan_checks(study, loaded):
    return []
