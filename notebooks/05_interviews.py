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
# # Stemmen uit de praktijk: de interviews, en wat ze zeggen naast de enquête
#
# **Vraag:** welke thema's komen in de interviews ter sprake, aan welke kant van de
# samenwerking, en bevestigen, verdiepen of weerspreken de interviews wat de enquête laat zien?
#
# De interviews zijn gecodeerd in een QDA-pakket (ATLAS.ti, NVivo, MAXQDA, QualCoder of
# Taguette) en als project ingelezen. Alle tellingen gaan door de statistische beveiliging;
# citaten zijn gepseudonimiseerd en komen alleen uit groepen die groot genoeg zijn. De
# coderingen van de controlecodeur tellen alleen mee in de intercodeursovereenstemming.

# %%
import analysis

study = analysis.load()
themas = study.analyse("themas")
themas.figure()

# %% [markdown]
# Het aandeel interviews per thema en kant, met het verschil tussen de kanten en zijn
# betrouwbaarheidsinterval.

# %%
for zin in themas.findings():
    print(zin)

# %% [markdown]
# ## Verzadiging
#
# Hoeveel nieuwe codes leverde elk volgend interview nog op? Een vlakke curve betekent dat
# extra interviews weinig nieuws meer brachten.

# %%
themas.saturation_figure()

# %% [markdown]
# ## Samenloop van codes
#
# Welke codes worden op hetzelfde fragment toegepast? De c-coëfficiënt corrigeert voor hoe
# vaak elke code voorkomt.

# %%
samenloop = study.analyse("samenloop")
for zin in samenloop.findings():
    print(zin)
samenloop.figure()

# %% [markdown]
# ## Overeenstemming tussen codeurs
#
# Een deel van de interviews is door een tweede codeur opnieuw gecodeerd: procentuele
# overeenstemming en Cohens kappa per code.

# %%
overeenstemming = study.analyse("overeenstemming")
for zin in overeenstemming.findings():
    print(zin)

# %% [markdown]
# ## Citaten en een praktijkvoorbeeld
#
# `study.quotes(code, group=..., n=...)` kiest korte, representatieve fragmenten: per spreker
# één, zo dicht mogelijk bij de gebruikelijke lengte, afwisselend uit de groepen.

# %%
study.quotes("B3 NIET_SERIEUS_GENOMEN", group="side", n=4)

# %%
study.analyse("praktijkvoorbeeld")

# %% [markdown]
# ## Samenhang: enquête en interviews naast elkaar
#
# Per thema het resultaat van de enquête, hoe vaak de bijbehorende codes in de interviews
# voorkomen, één citaat en de meta-inferentie (bevestigt, verdiept, spreekt tegen). Een
# inferentie die de onderzoeker niet zelf in study.yml heeft gezet, staat er als suggestie.

# %%
study.analyse("gemengd_beeld")
