"""The English wording of the default letters (for authorities that write in English)."""

TAG = "en-GB"  # the language the text is written in, for spelling in Word

TEXT: dict[str, str] = {
    "date": "Date",
    "reference": "Our reference",
    "subject": "Subject",
    "attention": "for the attention of",
    "regards": "{{ 'Yours sincerely,' if addressee.greets_by_name else 'Yours faithfully,' }}",
    "lot": "lot",
    "page": "page",
    "page_of": "of",
    "postal": "Postal address",
    "visiting": "Visiting address",
    "mandate": "on their behalf,",
    "criterion": "Criterion",
    "weight": "Weight",
    "score": "Score",
    "points": "Points",
    "own_score": "Your score",
    "own_points": "Your points",
    "winner_score": "Winner's score",
    "winner_points": "Winner's points",
    "total": "Total",
    "award_subject": "Intention to award",
    "award_intro": "Thank you for your bid in the tender {{ procedure.title }} (reference "
    "{{ procedure.reference }}). We are pleased to inform you that we "
    "intend to award the contract to you.",
    "award_rank": "Your bid was ranked {{ rank }} with a total score of {{ total }} points.",
    "award_scores": "Your scores per criterion",
    "refusal_scores": "Your scores per criterion",
    "award_standstill": "This is an intention, not yet the final award. The other "
    "bidders may challenge it within the standstill period of "
    "{{ standstill_days }} calendar days, which ends on "
    "{{ standstill_end }}. After that you will receive the final "
    "award, unless a court decides otherwise. This intention gives you "
    "no rights yet.",
    "next_steps": "Next steps",
    "rejection_subject": "Award decision",
    "rejection_intro": "Thank you for your bid in the tender {{ procedure.title }} "
    "(reference {{ procedure.reference }}). With this letter we inform "
    "you that we intend to award the contract to {{ winner }} and that "
    "your bid will therefore not be awarded.",
    "rejection_rank": "Your bid was ranked {{ rank }} of {{ ranked_count }} with "
    "{{ own_total }} points; the winning bid scored {{ winner_total }} "
    "points.",
    "rejection_unranked": "Your bid was not included in the ranking.",
    "reasons": "Reasons for the rejection",
    "selection_reasons": "Reasons",
    "advantages": "Characteristics and relative advantages of the winning bid",
    "comparison": "Your scores and those of the winning bid per criterion",
    "comparison_several": "There are {{ winner_count }} winning bids. We compare your "
    "bid with the lowest-ranked of them, that of {{ benchmark }}; "
    "the other winning bids scored the same or higher.",
    "award_others": "We also intend to award the contract to:",
    "totals": "Total score: your bid {{ own_total }} points, the bid of "
    "{{ benchmark or winner }} {{ winner_total }} points.",
    "justification_own": "Justification of your score:",
    "justification_winner": "Justification of the score of {{ benchmark or winner }}:",
    "standstill": "Standstill period",
    "rejection_standstill": "We will not conclude the contract before the standstill "
    "period of {{ standstill_days }} calendar days after the day "
    "this letter was sent has passed. The standstill period ends "
    "on {{ standstill_end }}.",
    "objection": "How to object",
    "remedies": "Legal remedies",
    "rejection_objection": "If you disagree with this decision, you may start summary "
    "proceedings before the court no later than "
    "{{ standstill_end }}. If you do not do so within this period, "
    "you lose the right to challenge this decision.",
    # lot unsuccessful
    "unsuccessful_subject": "Lot not awarded:",
    "unsuccessful_intro": "Thank you for your bid in the tender {{ procedure.title }} "
    "(reference {{ procedure.reference }}). With this letter we "
    "inform you that we do not award lot {{ procedure.lot }}: the lot "
    "has been declared unsuccessful. Your bid on this lot therefore "
    "does not lead to a contract.",
    "unsuccessful_reason": "Reason",
    "unsuccessful_others": "If you bid on other lots of this tender, you receive a "
    "separate decision on each of them.",
    "selection_subject": "Outcome of the selection",
    "selection_intro": "Thank you for your request to participate in the tender "
    "{{ procedure.title }} (reference {{ procedure.reference }}).",
    "selected": "We are pleased to inform you that you have been selected for the next "
    "phase. In total {{ selected_count }} candidates have been selected.",
    "not_selected": "We regret to inform you that you have not been selected for the next phase.",
    "selection_scores": "Your scores per selection criterion",
    "selection_totals": "Your request scored {{ total }} points in total; the lowest-ranked "
    "selected candidate scored {{ lowest_selected_total }} points.",
    "grant_subject": "Subsidy grant decision",
    "grant_intro": "We have decided on your application for a subsidy from "
    "{{ procedure.title }} (reference {{ procedure.reference }}) for the "
    "activity ‘{{ activity }}’.",
    "grant_full": "We grant you a subsidy of at most {{ granted }} for the period from "
    "{{ period_start }} up to and including {{ period_end }}.",
    "grant_partly": "We grant you a subsidy of at most {{ granted }} for the period from "
    "{{ period_start }} up to and including {{ period_end }}. You applied "
    "for {{ requested }}; we grant less for the following reasons:",
    "conditions": "Conditions",
    "payments": "Payment",
    "payments_intro": "We pay the subsidy as follows. What we pay before the settlement is "
    "an advance ({{ law.advance_rule }}).",
    "advance_settled": "The advances are set off against the amount at which we settle "
    "the subsidy.",
    "legal_basis": "We take this decision under {{ legal_basis }}.",
    "payment_date": "Date",
    "payment_amount": "Amount",
    "payment_description": "Description",
    "reporting": "Reporting",
    "report_due": "Apply for the settlement of the subsidy by sending us your report no "
    "later than {{ report_due }}. We then settle the subsidy "
    "({{ law.settlement_rules }}).",
    "awb_objection": "If you disagree with this decision, you may lodge an objection "
    "within six weeks of the day it was sent ({{ law.objection_rule }}), "
    "that is no later than {{ objection_end }}. Send your signed objection "
    "to {{ sender.deciding }}"
    "{% if sender.address %}, {{ sender.address | join(', ') }}{% endif %}, "
    "stating your name and address, the date, our reference or a "
    "description of the decision, and the grounds for your objection.",
    "interim_relief": "An objection does not suspend this decision. In urgent cases you may "
    "also ask the court's interim relief judge for a provisional "
    "measure.",
    "refusal_subject": "Decision on your subsidy application",
    "refusal_intro": "You applied for a subsidy of {{ requested }} from "
    "{{ procedure.title }} (reference {{ procedure.reference }}) for the "
    "activity ‘{{ activity }}’. We refuse this subsidy.",
    "refusal_reasons": "Why we refuse the subsidy",
    "refusal_ineligible": "Your application does not meet the conditions for a subsidy.",
    "refusal_minimum": "Your application scored {{ score }} points; the minimum score is "
    "{{ minimum_score }} points.",
    "refusal_ceiling": "The subsidy ceiling of {{ ceiling }} has been reached. "
    "Applications were dealt with in the order set for this round; no "
    "budget is left for your application, and a subsidy is refused as far "
    "as granting it would exceed the ceiling.",
    "considerations": "Explanation",
    "settlement_subject": "Subsidy settlement decision",
    "settlement_intro": "We set the subsidy for the activity ‘{{ activity }}’ "
    "({{ procedure.title }}, reference {{ procedure.reference }}) at "
    "{{ final_amount }}. We granted you a subsidy of at most "
    "{{ granted }}; you have received {{ paid }} in advances.",
    "settlement_pay": "We will pay you the difference of {{ to_pay }} no later than "
    "{{ payment_due }}.",
    "settlement_reclaim": "You have received {{ to_reclaim }} too much. We reclaim this "
    "amount under {{ law.reclaim_rule }}; please pay it no later than "
    "{{ payment_due }}.",
    "settlement_settled": "Nothing remains to be paid or repaid.",
    "settlement_iban": "Please transfer the amount to account {{ sender.iban }} in the "
    "name of {{ sender.name }}, quoting reference {{ reference }}.",
    "settlement_basis": "We settle the subsidy under "
    "{% if legal_basis %}{{ legal_basis }} and {% endif %}"
    "{{ law.settlement_rules }}.",
    "settlement_reasons": "Why the amount differs from the grant",
    # the remedies of a tender (the tender's own wording, or the language's text of its law)
    "selection_remedies": "{{ objection }}",
    "unsuccessful_remedies": "{{ objection }}",
    "no_appeal": "This decision cannot be appealed to another administrative authority "
    "({{ law.objection_rule }}). The lawfulness of the authority's decisions is "
    "supervised by {{ law.supervision }}, which is not an appeal body. You may "
    "bring the decision before the courts.",
    # Layout parts a jurisdiction switches on (Jurisdiction.every_offers_scores,
    # Remedies.told_to_winner, GrantLaw.contract_rule): present in every language.
    "offers_heading": "Points of every offer",
    "offer_rank": "Rank",
    "offer_name": "Bidder",
    "offer_seat": "Seat",
    "offer_points": "Points per criterion",
    "offer_total": "Total",
    "offer_rejected": "offer rejected",
    "offer_rejected_reasons": "offer rejected, the reasons in fact and in law:",
    "award_remedies": "A bidder who disagrees with this decision may turn to "
    "{{ remedies.body }} ({{ remedies_rule }}) no later than {{ remedies_end }}.",
    "settlement_no_appeal": "This settlement follows from the agreement "
    "({{ law.contract_rule }}) and is not an administrative decision: no objection or "
    "appeal lies against it. If you disagree, write to {{ sender.name }} by "
    "{{ objection_end }}; disputes under the agreement go to the civil courts.",
    # open house: the decision on an application to be admitted
    "admission_subject": "Decision on your application to",
    "admission_intro": "You applied to be admitted as a provider in {{ procedure.title }} "
    "(reference {{ procedure.reference }}).",
    "admission_approved": "We approve your application: you are admitted as a provider on "
    "the published terms.",
    "admission_refused": "We refuse your application: it does not meet the published terms.",
    "admission_review": "You may apply to {{ review.body }} for review of this decision "
    "({{ review.rule }}) no later than {{ review_end }}.",
    "admission_questions": "Questions about this decision, or a complaint, can be sent to "
    "{{ sender.complaints_to or sender.name }}.",
}
