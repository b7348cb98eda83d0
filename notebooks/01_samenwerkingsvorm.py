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
import analysis

study = analysis.load()  # validates the study first (or reuses a validation of identical inputs)
study

# %% [markdown]
# ## Vorm van de samenwerking naar formele en informele kant
#
# De analyse `samenwerkingsvorm_per_kant` staat in het analyseplan van `study.yml`: daar staat
# welke variabele de kant is en welke categorie structureel.

# %%
per_kant = study.analyse("samenwerkingsvorm_per_kant")
per_kant.table()

# %%
for zin in per_kant.findings():
    print(zin)

# %% [markdown]
# ## Naar type respondent

# %%
per_type = study.analyse("samenwerkingsvorm")
per_type.figure()

# %%
per_type.to_frame()
