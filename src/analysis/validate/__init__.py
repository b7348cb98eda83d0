"""The validation gate: great-expectations suites, survey rules and a personal-data scan.

Nothing is analysed or published from data that failed its checks.

- :mod:`analysis.validate.suites`: suites generated from codebooks, stored as reviewed JSON
  in ``data/expectations/<dataset>.json`` (hand-written additions survive regeneration);
- :mod:`analysis.validate.rules`: skip logic, sub-counts, date order, consent, and rules
  across datasets, declared as data;
- :mod:`analysis.validate.pii`: detectors for e-mail addresses, Dutch phone numbers, BSN,
  IBAN, postcode plus house number, and the study's names list;
- :mod:`analysis.validate.gate`: :func:`~analysis.validate.gate.run`,
  :func:`~analysis.validate.gate.write`, :func:`~analysis.validate.gate.require_pass`.

great-expectations is imported only when a suite is built or the gate runs, once per run.
"""

from __future__ import annotations

__all__ = ["gate", "pii", "rules", "suites"]
