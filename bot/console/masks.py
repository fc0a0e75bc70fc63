"""The redaction placeholders as the console shows them: in the reader's language (⟨vārds⟩, ⟨телефон⟩).

bot.redaction writes the canonical `⟨name⟩`, `⟨phone⟩`, … and those stay in the NLU export, in
`nlu/data` and in docs/operators.md (the training data must read the same whatever language its
reviewer uses). Only what a staff member reads on a console page, or in its live updates, is worded
for them: the English console shows the canonical placeholders themselves.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable

from bot.console.i18n import N_
from bot.redaction import Kind, placeholder

# each msgid is the canonical placeholder itself, so that English (no catalog) shows exactly that
MASKS: dict[Kind, str] = {
    Kind.EMAIL: N_("⟨email⟩"),
    Kind.ACCOUNT: N_("⟨account⟩"),
    Kind.PERSONAL_CODE: N_("⟨personal_code⟩"),
    Kind.CARD: N_("⟨card⟩"),
    Kind.PHONE: N_("⟨phone⟩"),
    Kind.ADDRESS: N_("⟨address⟩"),
    Kind.NUMBER: N_("⟨number⟩"),
    Kind.NAME: N_("⟨name⟩"),
}


def masks_in(tr: gettext.NullTranslations) -> Callable[[Kind], str]:
    """The placeholders' wording for one reader (a bot.visibility.Reader's `mask`)."""
    worded = {kind: tr.gettext(message) for kind, message in MASKS.items()}

    def mask(kind: Kind) -> str:
        return worded.get(kind) or placeholder(kind)

    return mask
