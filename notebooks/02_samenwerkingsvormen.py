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
# # Hoe structureel is de samenwerking, en wie wordt ondersteund?
#
# **Vraag:** is de samenwerking tussen formele en informele organisaties projectmatig of
# structureel? We meten dat op twee manieren: de indeling die de onderzoekers maakten, en een
# index van wat organisaties feitelijk doen (afspraken, financiering, overleg, een vast
# contactpersoon, terugkoppeling, scholing, inbedding in beleid). Komen die overeen, en hoe
# gevoelig is de uitkomst voor de gekozen grenzen?
#
# De analyses staan in het analyseplan van `study.yml`; elke tabel en figuur gaat door de
# statistische beveiliging.

# %%
import analysis

study = analysis.load()
vormen = study.analyse("samenwerkingsvorm_per_kant")
vormen.table()

# %% [markdown]
# De indeling van de onderzoekers per kant, in aantallen en rijpercentages.

# %%
index = study.analyse("samenwerkingsindex")
index.figure()

# %% [markdown]
# Het profiel laat per kenmerk zien hoe ver formele en informele organisaties zijn (0 = niets
# geregeld, 1 = alles geregeld). De index is het gemiddelde van die kenmerken; de grenzen
# waarmee we hem indelen staan in `study.yml` (`cutoffs`).

# %%
for zin in index.findings():
    print(zin)

# %% [markdown]
# Hoe goed komt de indeling op basis van de index overeen met die van de onderzoekers (Cohens
# kappa), en hoe verschuiven de uitkomsten als we de grenzen iets verleggen?

# %%
from IPython.display import HTML, display

for titel, tabel in index.more_tables():
    display(HTML(f"<h4>{titel}</h4>{tabel}"))

# %% [markdown]
# ## Ondersteuning van sleutelpersonen
#
# Krijgen sleutelpersonen een vergoeding en scholing, en hangt dat samen met de vorm van de
# samenwerking?

# %%
steun = study.analyse("ondersteuning")
steun.table()

# %%
for zin in steun.findings():
    print(zin)
