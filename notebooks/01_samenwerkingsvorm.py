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
# # Projectmatig of structureel?
#
# **Vraag:** hoe is de samenwerking tussen formele en informele organisaties georganiseerd, en
# verschilt dat tussen formele en informele respondenten?
#
# De gegevens komen uit de studiecatalogus (`study.yml`) en zijn eerst gevalideerd. Elke tabel
# en figuur gaat door de statistische beveiliging: kleine aantallen worden niet getoond.

# %%
from analysis.disclosure import Policy
from analysis.study import Study
from analysis.validate import gate

study = Study.from_yaml()
validation = gate.require_pass(study)
policy = Policy.from_study(study)
enquete = study.get("organisatie_enquete")
enquete

# %% [markdown]
# ## Vorm van de samenwerking naar formele en informele kant

# %%
from analysis.collaboration import collaboration_profile

per_kant = collaboration_profile(enquete.frame, policy, by="org_side")
per_kant.table()

# %%
for zin in per_kant.findings():
    print(zin)

# %% [markdown]
# ## Naar type respondent

# %%
per_type = collaboration_profile(enquete.frame, policy, by="respondent_type")
per_type.figure()

# %%
per_type.to_frame()
