"""The intent names of the taxonomy (shared/spec/intents.md): the contract between NLU, flows, data."""

from __future__ import annotations

INTENTS: tuple[str, ...] = (
    # conversation control
    "greet", "goodbye", "thanks", "affirm", "deny", "help", "human_handoff", "change_language",
    "delete_my_data",
    # contact with the person in prison
    "visit_rules", "visit_long", "visit_video", "visit_children", "family_day", "phone_calls", "letters",
    "parcels_money", "prison_contacts",
    # support for the family
    "psych_info", "book_counselling", "my_bookings", "cancel_booking", "reschedule_booking",
    "benefits_family", "children_support", "legal_help", "release_preparation", "employment", "probation",
    "useful_links", "crisis",
    # not understood
    "out_of_scope",
    # added here (the spec allows more, never fewer): see ADDED
    "first_steps", "feeling_low", "lost_contact", "family_emergency", "complaint",
)  # fmt: skip

# Intents this project added to the shared spec's list, each for a message the spec's names would misroute.
# first_steps: "mans dēls ir cietumā, ko darīt" is how many first messages open; it got the release checklist
# or "I did not understand" (QA), where the person needs where to start.
# feeling_low: "man ir ļoti smagi", "я так устала" are not a crisis, yet got the reply to "thank you", "yes"
# or goodbye (QA); they need a kind word and the psychologist, a person and 116123 on offer.
# lost_contact: "viņš nezvana jau nedēļu", "он не звонит уже неделю", "I haven't heard from him in 10 days"
# got the general calls answer (QA, tenth pass); a worried relative needs what they can do and whom to ask.
# family_emergency: "nomira viņa mamma, vai viņu izlaidīs uz bērēm", "his mum is dying can he come home to see
# her" got the legal-aid answer (JPA, divorce, complaints), the children's answer or the visits answer (QA,
# tenth pass); the person needs the short leave's conditions, whom he asks, and how the news can reach him.
# complaint: "jūs visi esat vienādi, neviens nepalīdz", "бесполезный бот" were a plain request for a person,
# answered "the coordinators are not working now" and no more: an angry person first hears they were heard.
ADDED: tuple[str, ...] = ("first_steps", "feeling_low", "lost_contact", "family_emergency", "complaint")

FEELING_LOW = "feeling_low"  # named where the flows and the NLU treat it apart from other topics
OUT_OF_SCOPE = "out_of_scope"
