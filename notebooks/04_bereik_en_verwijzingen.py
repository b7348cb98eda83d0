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
# # Wie wordt bereikt, en komen verwijzingen aan?
#
# **Vraag:** bereiken sleutelpersonen en informele organisaties meer mensen waar de
# samenwerking met formele organisaties structureel is? En als zij iemand doorverwijzen: komt
# die persoon aan, hoe snel, en helpt een warme overdracht?
#
# Bereik per 1.000 uit de doelgroep volgt RE-AIM (aantal, aandeel, representativiteit). Het
# model is een negatief-binomiaal model met de omvang van de doelgroep als blootstelling en
# standaardfouten die rekening houden met de gemeente.

# %%
import analysis

study = analysis.load()
bereik = study.analyse("bereik_model")
bereik.figure()

# %% [markdown]
# Het bereik per 1.000 naar vorm van samenwerking, met de rate ratio uit het model.

# %%
for zin in bereik.findings():
    print(zin)

# %% [markdown]
# ## Van bereik tot terugkoppeling
#
# De trechter: hoeveel mensen zijn bereikt, doorverwezen, hoeveel kregen contact met een
# hulpverlener, hoeveel startten met hulp en over hoeveel kreeg de verwijzer iets terug?

# %%
study.analyse("bereik_trechter").figure()

# %% [markdown]
# ## Verwijzingen: waarheen, voltooid, en hoe snel?

# %%
study.analyse("verwijsstromen").figure()

# %%
voltooiing = study.analyse("voltooiing")
for zin in voltooiing.findings():
    print(zin)

# %% [markdown]
# Verwijzingen zonder contact vóór het einde van de waarneming tellen mee als gecensureerd: ze
# vallen niet weg, de curve telt ze tot dat moment.

# %%
wachttijd = study.analyse("wachttijd")
wachttijd.figure()

# %%
for zin in wachttijd.findings() + study.analyse("vroege_signalen").findings():
    print(zin)
