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
# # Voelen informele partners zich serieus genomen?
#
# **Vraag:** verschillen formele en informele respondenten in hoe zij de samenwerking beleven
# (vertrouwen, waardering, serieus genomen worden, kennisuitwisseling), en wordt dat verschil
# kleiner waar de samenwerking structureel is?
#
# Eerst kijken we of de schalen betrouwbaar genoeg zijn om te gebruiken; dan vergelijken we
# de kanten, met rekening voor de gemeente waarin respondenten werken.

# %%
import analysis

study = analysis.load()
schalen = study.analyse("schalen")
schalen.table()

# %% [markdown]
# Cronbachs alfa en McDonalds omega per schaal; omega rekent met de verschillende ladingen van
# de items en ligt daarom meestal iets hoger.

# %%
for zin in schalen.findings():
    print(zin)

# %% [markdown]
# ## Formeel en informeel: serieus genomen worden

# %%
perspectieven = study.analyse("serieus_kanten")
perspectieven.figure()

# %% [markdown]
# De gemiddelden per kant en per vorm van samenwerking, met 95%-intervallen. Het model schat het
# verschil tussen de kanten buiten en binnen structurele samenwerking, met standaardfouten die
# rekening houden met de gemeente (en een multilevelmodel als tweede blik).

# %%
for zin in perspectieven.findings():
    print(zin)
perspectieven.to_frame()

# %% [markdown]
# ## De afzonderlijke uitspraken

# %%
items = study.analyse("serieus_items")
items.figure()

# %% [markdown]
# Per uitspraak de antwoorden van formele en informele respondenten, en een ordinaal model dat
# de kans op een hoger antwoord vergelijkt (odds ratio).

# %%
items.to_frame()
