"""The Danish wording of the default letters, written for Danish law: udbudsloven § 171
(underretning om tildelingsbeslutning og om prækvalifikation, med begrundelse og standstill-
periodens præcise udløb), lov om Klagenævnet for Udbud (standstill § 3, klage §§ 6, 7 og 12),
forvaltningsloven §§ 22-24 (begrundelse) and § 25 (klagevejledning, which is due only where a
decision can be appealed; a kommune's grant cannot be, administratively).

The articles that differ per jurisdiction come from it: ``standstill_rule``, ``remedies`` and
``law`` (the grant law) in the letter's context.
"""

TAG = "da-DK"  # the language the text is written in, for spelling in Word

_THANKS_BID = (
    "Tak for jeres tilbud i udbuddet {{ procedure.title }} (reference {{ procedure.reference }})."
)
_QUESTIONS = "Spørgsmål til beslutningen kan rettes til {{ sender.complaints_to }}."

TEXT: dict[str, str] = {
    "date": "Dato",
    "reference": "Vores reference",
    "subject": "Emne",
    "attention": "Att.:",
    "regards": "Med venlig hilsen",
    "lot": "delaftale",
    "postal": "Postadresse",
    "visiting": "Besøgsadresse",
    "mandate": "efter bemyndigelse",
    "criterion": "Kriterium",
    "weight": "Vægtning",
    "score": "Karakter",
    "points": "Point",
    "own_score": "Jeres karakter",
    "own_points": "Jeres point",
    "winner_score": "Vinderens karakter",
    "winner_points": "Vinderens point",
    "total": "I alt",
    "page": "side",
    "page_of": "af",
    "totals": "Samlet antal point: jeres tilbud {{ own_total }} point, tilbuddet fra "
    "{{ benchmark or winner }} {{ winner_total }} point.",
    "selection_reasons": "Begrundelse",
    "refusal_reasons": "Begrundelse for afslaget",
    "settlement_reasons": "Hvorfor det endelige beløb afviger fra bevillingen",
    "interim_relief": "En klage har ikke opsættende virkning, medmindre klageinstansen "
    "bestemmer det.",
    # award intent: udbudsloven § 171
    "award_subject": "Tildelingsbeslutning –",
    "award_intro": _THANKS_BID + " Vi kan hermed meddele, at vi har besluttet at tildele "
    "jer kontrakten (udbudslovens § 171).",
    "award_rank": "Jeres tilbud er rangeret som nummer {{ rank }} med i alt {{ total }} point.",
    "award_scores": "Jeres karakterer pr. kriterium",
    "award_standstill": "Tildelingsbeslutningen er endnu ikke en kontrakt. Vi indgår "
    "tidligst kontrakten, når standstill-perioden på "
    "{{ standstill_days }} kalenderdage regnet fra dagen efter "
    "afsendelsen af denne underretning er udløbet "
    "({{ standstill_rule }}). Standstill-perioden udløber den "
    "{{ standstill_end }}. Klager en anden tilbudsgiver til "
    "{{ remedies.body }} inden for standstill-perioden, indgår vi ikke "
    "kontrakten, før klagenævnet har taget stilling til, om klagen skal "
    "have opsættende virkning.",
    "next_steps": "Det videre forløb",
    # rejection: udbudsloven § 171, with the reasons and the winner's relative advantages
    "rejection_subject": "Tildelingsbeslutning –",
    "rejection_intro": _THANKS_BID + " Vi meddeler hermed, at vi har besluttet at tildele "
    "kontrakten til {{ winner }} (udbudslovens § 171). Jeres tilbud er "
    "derfor ikke blevet antaget.",
    "rejection_rank": "Jeres tilbud er rangeret som nummer {{ rank }} af "
    "{{ ranked_count }} med {{ own_total }} point; det vindende tilbud "
    "opnåede {{ winner_total }} point.",
    "rejection_unranked": "Jeres tilbud indgår ikke i rangordenen.",
    "reasons": "Begrundelse",
    "advantages": "Det vindende tilbuds egenskaber og relative fordele",
    "comparison": "Jeres karakterer og det vindende tilbuds karakterer pr. kriterium",
    "comparison_several": "Der er {{ winner_count }} vindende tilbud. Vi sammenligner "
    "jeres tilbud med det lavest rangerede af dem, tilbuddet fra "
    "{{ benchmark }}; de øvrige vindende tilbud har opnået samme eller "
    "flere point.",
    "award_others": "Vi har også besluttet at tildele kontrakten til:",
    "justification_own": "Begrundelse for jeres karakter:",
    "justification_winner": "Begrundelse for karakteren til {{ benchmark or winner }}:",
    "standstill": "Standstill-periode",
    "rejection_standstill": "Vi indgår ikke kontrakten, før standstill-perioden på "
    "{{ standstill_days }} kalenderdage regnet fra dagen efter "
    "afsendelsen af denne underretning er udløbet "
    "({{ standstill_rule }}). Standstill-perioden udløber den "
    "{{ standstill_end }}.",
    "objection": "Klagevejledning",
    "remedies": "Klagevejledning",
    "rejection_objection": "I kan klage over tildelingsbeslutningen til {{ remedies.body }} "
    "({{ remedies.rule }}). Indgiver I klagen senest den "
    "{{ standstill_end }}, altså inden standstill-periodens udløb, må "
    "vi ikke indgå kontrakten, før klagenævnet har taget stilling til, "
    "om klagen skal have opsættende virkning. I skal senest samtidig "
    "med, at klagen indgives, skriftligt underrette os om klagen og om, "
    "at den er indgivet i standstill-perioden. Efter "
    "standstill-perioden kan der klages inden 45 kalenderdage efter, at "
    "vi har offentliggjort en bekendtgørelse i EU-Tidende om, at "
    "kontrakten er indgået (lov om Klagenævnet for Udbud § 7, stk. 2, "
    "nr. 1).",
    # lot unsuccessful
    "unsuccessful_subject": "Delaftale ikke tildelt:",
    "unsuccessful_intro": _THANKS_BID + " Vi meddeler hermed, at vi har besluttet ikke at "
    "tildele delaftale {{ procedure.lot }} og at annullere udbuddet af "
    "denne delaftale (udbudslovens § 171). Jeres tilbud på delaftalen "
    "fører derfor ikke til en kontrakt.",
    "unsuccessful_reason": "Begrundelse",
    "unsuccessful_others": "Har I afgivet tilbud på andre delaftaler i udbuddet, modtager I "
    "en særskilt underretning om dem.",
    "unsuccessful_remedies": "I kan klage over beslutningen til {{ remedies.body }} "
    "({{ remedies.rule }}). " + _QUESTIONS,
    # selection: underretning om prækvalifikation (udbudsloven § 171)
    "selection_subject": "Resultat af prækvalifikationen –",
    "selection_intro": "Tak for jeres ansøgning om prækvalifikation i udbuddet "
    "{{ procedure.title }} (reference {{ procedure.reference }}).",
    "selected": "Vi kan med glæde meddele, at I er blevet prækvalificeret og vil blive "
    "opfordret til at afgive tilbud. I alt er {{ selected_count }} ansøgere "
    "prækvalificeret.",
    "not_selected": "Vi må desværre meddele, at I ikke er blevet prækvalificeret "
    "(udbudslovens § 171).",
    "selection_scores": "Jeres point pr. udvælgelseskriterium",
    "selection_totals": "Jeres ansøgning opnåede i alt {{ total }} point; den lavest "
    "rangerede prækvalificerede ansøger opnåede "
    "{{ lowest_selected_total }} point.",
    "selection_remedies": "{% if not selected %}En klage over, at I ikke er blevet "
    "prækvalificeret, skal være indgivet til {{ remedies.body }} inden "
    "20 kalenderdage regnet fra dagen efter afsendelsen af denne "
    "underretning (lov om Klagenævnet for Udbud § 7, stk. 1). "
    "{% endif %}" + _QUESTIONS,
    # grants: forvaltningsloven §§ 22-25
    "grant_subject": "Tilsagn om tilskud –",
    "grant_intro": "Vi har behandlet jeres ansøgning om tilskud fra {{ procedure.title }} "
    "(reference {{ procedure.reference }}) til {{ activity }}.",
    "grant_full": "Vi giver jer tilsagn om et tilskud på {{ granted }} for perioden "
    "{{ period_start }} til og med {{ period_end }}.",
    "grant_partly": "Vi giver jer tilsagn om et tilskud på {{ granted }} for perioden "
    "{{ period_start }} til og med {{ period_end }}. I søgte om "
    "{{ requested }}; vi imødekommer ansøgningen delvist med følgende "
    "begrundelse ({{ law.reasons_rule }}):",
    "conditions": "Vilkår",
    "payments": "Udbetaling",
    "payments_intro": "Tilskuddet udbetales forud i rater efter {{ law.advance_rule }}:",
    "advance_settled": "De udbetalte rater modregnes i det endelige tilskud, når vi har "
    "godkendt regnskabet.",
    "legal_basis": "Afgørelsen er truffet med hjemmel i {{ legal_basis }}.",
    "payment_date": "Dato",
    "payment_amount": "Beløb",
    "payment_description": "Beskrivelse",
    "reporting": "Afrapportering",
    "report_due": "Send jeres regnskab og afrapportering senest den {{ report_due }}. "
    "Herefter opgør vi det endelige tilskud efter {{ law.settlement_rules }}.",
    "awb_objection": "I kan klage over afgørelsen ({{ law.objection_rule }}) senest den "
    "{{ objection_end }}. Send klagen til {{ sender.name }}.",
    "no_appeal": "Afgørelsen kan ikke påklages til en anden administrativ myndighed, og der "
    "gives derfor ingen klagevejledning efter {{ law.objection_rule }}. Er "
    "afgørelsen truffet af en kommune, kan I rette henvendelse til "
    "{{ law.supervision }}, der fører tilsyn med, at kommunerne overholder "
    "lovgivningen; tilsynet er ikke en klageinstans. I kan indbringe afgørelsen "
    "for domstolene.",
    "refusal_subject": "Afslag på ansøgning om tilskud –",
    "refusal_intro": "I har søgt om et tilskud på {{ requested }} fra {{ procedure.title }} "
    "(reference {{ procedure.reference }}) til {{ activity }}. Vi må give "
    "jer afslag på ansøgningen. Begrundelsen følger nedenfor "
    "({{ law.reasons_rule }}).",
    "refusal_ineligible": "Ansøgningen opfylder ikke betingelserne for at modtage tilskud.",
    "refusal_minimum": "Ansøgningen opnåede {{ score }} point; der kræves mindst "
    "{{ minimum_score }} point.",
    "refusal_ceiling": "Puljens ramme på {{ ceiling }} er opbrugt. Ansøgningerne er "
    "behandlet i den fastsatte rækkefølge, og der er ikke midler tilbage "
    "til jeres ansøgning.",
    "considerations": "Bemærkninger",
    "refusal_scores": "Jeres point pr. kriterium",
    "settlement_subject": "Endelig opgørelse af tilskud –",
    "settlement_intro": "Vi har opgjort det endelige tilskud til {{ activity }} "
    "({{ procedure.title }}, reference {{ procedure.reference }}) til "
    "{{ final_amount }}. Der blev givet tilsagn om {{ granted }}; I har "
    "allerede modtaget {{ paid }}.",
    "settlement_pay": "Vi udbetaler restbeløbet på {{ to_pay }} senest den {{ payment_due }}.",
    "settlement_reclaim": "I har modtaget {{ to_reclaim }} for meget. Vi kræver beløbet "
    "tilbagebetalt; betal det senest den {{ payment_due }} med "
    "angivelse af vores reference.",
    "settlement_settled": "Der skal hverken tilbagebetales eller udbetales mere.",
    "settlement_iban": "Beløbet indbetales på konto {{ sender.iban }} tilhørende "
    "{{ sender.name }} med angivelse af reference {{ reference }}.",
    "settlement_basis": "Opgørelsen sker efter {{ law.settlement_rules }}. "
    "Tilbagebetalingen sker efter {{ law.reclaim_rule }}.",
    # Dele, som en jurisdiktion slår til (Jurisdiction.every_offers_scores,
    # Remedies.told_to_winner, GrantLaw.contract_rule): findes på alle sprog.
    "offers_heading": "Point for alle tilbud",
    "offer_rank": "Placering",
    "offer_name": "Tilbudsgiver",
    "offer_seat": "Hjemsted",
    "offer_points": "Point pr. kriterium",
    "offer_total": "I alt",
    "offer_rejected": "tilbud afvist",
    "offer_rejected_reasons": "tilbud afvist, med de faktiske og retlige grunde:",
    "award_remedies": "En tilbudsgiver, der er uenig i beslutningen, kan klage til "
    "{{ remedies.body }} ({{ remedies_rule }}) senest den {{ remedies_end }}.",
    "settlement_no_appeal": "Opgørelsen sker i henhold til aftalen "
    "({{ law.contract_rule }}) og er ikke en afgørelse: den kan ikke påklages. Er I "
    "uenige, skriv til {{ sender.name }} senest den {{ objection_end }}; tvister om "
    "aftalen afgøres af domstolene.",
    # open house: afgørelse om optagelse
    "admission_subject": "Afgørelse om jeres ansøgning om optagelse –",
    "admission_intro": "I har søgt om at blive optaget som leverandør i "
    "{{ procedure.title }} (reference {{ procedure.reference }}).",
    "admission_approved": "Vi imødekommer ansøgningen: I optages som leverandør på de "
    "offentliggjorte vilkår.",
    "admission_refused": "Vi giver afslag på ansøgningen: den opfylder ikke de "
    "offentliggjorte vilkår.",
    "admission_review": "I kan senest den {{ review_end }} indbringe afgørelsen for "
    "{{ review.body }} ({{ review.rule }}).",
    "admission_questions": _QUESTIONS,
}
