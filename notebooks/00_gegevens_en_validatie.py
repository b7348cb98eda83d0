# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Bruggen (Python 3)
#     language: python
#     name: bruggen
# ---

# %% [markdown]
# # Welke gegevens hebben we, en zijn ze in orde?
#
# **Vraag:** welke bestanden horen bij de studie, wat staat erin, en doorstaan ze de
# validatieregels? Pas als de poort (de *gate*) groen is, mag er geanalyseerd worden.

# %%
from analysis.study import Study
from analysis.validate import gate

study = Study.from_yaml()
resultaat = gate.run(study)
resultaat

# %% [markdown]
# ## Het analyseplan
#
# In `study.yml` staat welke variabele welke rol speelt: de kant (formeel of informeel), de
# gemeente, de vorm van de samenwerking, de schalen. De poort heeft gecontroleerd dat ze bestaan.

# %%
study.plan

# %% [markdown]
# ## De controles per dataset
#
# Elke regel heeft een vaste naam (bijvoorbeeld `organisatie_enquete.trust_1.value_set`), zodat
# je een mislukte controle in CI of in een eerdere run terugvindt.

# %%
import pandas as pd

controles = pd.DataFrame([c.to_dict() for c in resultaat.checks])
controles.groupby(["dataset", "status"]).size().unstack(fill_value=0)

# %% [markdown]
# ## Het codeboek van de enquête
#
# Labels, antwoordcodes en ontbrekende-waardecodes komen uit het gereviewde codeboek
# (`data/codebooks/organisatie_enquete.yml`).

# %%
enquete = study.get("organisatie_enquete")
pd.DataFrame([v.to_dict() for v in enquete.codebook]).set_index("name")[["label", "type", "scale"]].head(20)

# %% [markdown]
# "Weet niet" (8) en "n.v.t." (9) zijn ontbrekend in de analyse, maar de reden blijft te zien:

# %%
enquete.missing_reason("trust_1").value_counts()
