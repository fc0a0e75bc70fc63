"""A prison's name in the person's language, for the sentences that name the prison they asked about.

The NLU returns the official Latvian name (nlu/prisons.yml); a Russian or English reply put «Olaines
cietums» into its own sentence (QA, ninth pass). The names per language are content, in
`flows/texts/{lang}.prisons.yml` (`prison.<slug>`): Russian and English keep the Latvian name in brackets,
so people can match it to the signs, letters and ievp.gov.lv.
"""

from __future__ import annotations

import re
import unicodedata

from flows.texts import Texts

NAME_PREFIX = "prison."


def name_key(prison: str) -> str:
    """'Iļģuciema cietums' -> 'prison.ilguciema_cietums': the text key of a prison's name."""
    folded = unicodedata.normalize("NFKD", prison.casefold())
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c))
    return NAME_PREFIX + re.sub(r"[^a-z0-9]+", "_", ascii_only).strip("_")


def prison_name(texts: Texts, lang: str, prison: str) -> str:
    """The prison's name to put into a sentence in `lang`; the official name when no text has it."""
    key = name_key(prison)
    return texts.plain(key, lang) if texts.has(key) else prison
