"""The Swedish wording of the default letters, written for Swedish law.

Tenders: lagen (2016:1145) om offentlig upphandling (LOU): the underrättelse om
tilldelningsbeslut with the reasons and the avtalsspärr (12 kap. 12 §, 20 kap. 1 §),
överprövning at the förvaltningsrätt (20 kap. 4-6 §§). Grants (föreningsbidrag): reasons under
förvaltningslagen (2017:900) 32 §; no förvaltningsbesvär, but laglighetsprövning under
kommunallagen (2017:725) 13 kap. The articles of the authority's jurisdiction are read from
``law`` (:class:`common.jurisdictions.GrantLaw`) where the letter cites them.

``selection_remedies`` and ``unsuccessful_remedies`` replace the generic ``{{ objection }}``
paragraph of those letters: the Swedish remedy is written here, with its articles.
"""

TAG = "sv-SE"  # the language the text is written in, for spelling in Word

_LOU = "lagen (2016:1145) om offentlig upphandling (LOU)"
_REVIEW = (
    "En leverantör som anser att den har lidit eller kan komma att lida skada på grund "
    "av att vi har brutit mot LOU kan ansöka om överprövning hos förvaltningsrätten i den "
    "domkrets där {{ sender.name }} har sin hemvist (20 kap. 4–6 §§ LOU)."
)
_QUESTIONS = "Frågor om beslutet kan ställas till {{ sender.complaints_to or sender.name }}."

TEXT: dict[str, str] = {
    "date": "Datum",
    "reference": "Vårt diarienummer",
    "subject": "Ärende",
    "attention": "Att:",
    "regards": "Med vänlig hälsning",
    "lot": "delområde",
    "page": "sida",
    "page_of": "av",
    "postal": "Postadress",
    "visiting": "Besöksadress",
    "mandate": "enligt delegation",
    "criterion": "Kriterium",
    "weight": "Vikt",
    "score": "Bedömning",
    "points": "Poäng",
    "own_score": "Er bedömning",
    "own_points": "Era poäng",
    "winner_score": "Vinnarens bedömning",
    "winner_points": "Vinnarens poäng",
    "total": "Totalt",
    # underrättelse om tilldelningsbeslut to the winner
    "award_subject": "Tilldelningsbeslut i upphandlingen",
    "award_intro": "Tack för ert anbud i upphandlingen {{ procedure.title }} (diarienummer "
    "{{ procedure.reference }}). Vi har beslutat att tilldela er kontraktet. "
    "Detta är en underrättelse om tilldelningsbeslut enligt 12 kap. 12 § "
    f"{_LOU}.",
    "award_rank": "Ert anbud har rangordnats som nummer {{ rank }} med totalt {{ total }} poäng.",
    "award_scores": "Era poäng per kriterium",
    "award_standstill": "Tilldelningsbeslutet innebär ännu inte att avtal har slutits. Avtal "
    "får inte ingås under avtalsspärren enligt 20 kap. 1 § LOU, "
    "som gäller i {{ standstill_days }} dagar från den dag då denna "
    "underrättelse skickades och löper till och med "
    "{{ standstill_end }}. Om en annan leverantör ansöker om "
    "överprövning hos förvaltningsrätten under avtalsspärren får avtal "
    "inte ingås förrän tio dagar har gått från det att rätten har avgjort "
    "målet (förlängd avtalsspärr).",
    "next_steps": "Nästa steg",
    # underrättelse om tilldelningsbeslut to every other bidder
    "rejection_subject": "Tilldelningsbeslut i upphandlingen",
    "rejection_intro": "Tack för ert anbud i upphandlingen {{ procedure.title }} "
    "(diarienummer {{ procedure.reference }}). Härmed underrättas ni "
    f"enligt 12 kap. 12 § {_LOU} om att vi har beslutat att tilldela "
    "kontraktet till {{ winner }}. Ert anbud har därför inte antagits.",
    "rejection_rank": "Ert anbud har rangordnats som nummer {{ rank }} av "
    "{{ ranked_count }} med {{ own_total }} poäng; det vinnande anbudet "
    "fick {{ winner_total }} poäng.",
    "rejection_unranked": "Ert anbud har inte rangordnats.",
    "reasons": "Skälen för beslutet",
    "totals": "Totalt: ert anbud {{ own_total }} poäng, anbudet från {{ benchmark or winner }} "
    "{{ winner_total }} poäng.",
    "advantages": "Det vinnande anbudets egenskaper och relativa fördelar",
    "comparison": "Era poäng och det vinnande anbudets poäng per kriterium",
    "comparison_several": "Kontraktet tilldelas {{ winner_count }} anbudsgivare. Vi jämför "
    "ert anbud med det lägst rangordnade av deras anbud, från "
    "{{ benchmark }}; de övriga vinnande anbuden har lika många eller "
    "fler poäng.",
    "award_others": "Vi har även beslutat att tilldela kontraktet till:",
    "justification_own": "Motivering av er bedömning:",
    "justification_winner": "Motivering av bedömningen av {{ benchmark or winner }}:",
    "standstill": "Avtalsspärr",
    "rejection_standstill": "Avtal får inte ingås under avtalsspärren enligt 20 kap. 1 § "
    "LOU: {{ standstill_days }} dagar från den dag då denna "
    "underrättelse skickades (10 dagar när underrättelserna skickas "
    "med elektroniska medel, annars 15). Avtalsspärren löper till och "
    "med {{ standstill_end }}.",
    "objection": "Hur beslutet kan överklagas",
    "remedies": "Överprövning",
    "rejection_objection": f"{_REVIEW} Ansökan ska ha kommit in till förvaltningsrätten "
    "senast {{ standstill_end }}, den sista dagen av avtalsspärren: när "
    "avtal har slutits kan upphandlingen inte längre överprövas. Kommer "
    "ansökan in under avtalsspärren får avtal inte ingås förrän tio "
    "dagar har gått från det att rätten har avgjort målet (förlängd "
    "avtalsspärr).",
    # a lot not awarded: the procurement of the lot is cancelled (avbruten)
    "unsuccessful_subject": "Beslut att avbryta ett delområde i upphandlingen",
    "unsuccessful_intro": "Tack för ert anbud i upphandlingen {{ procedure.title }} "
    "(diarienummer {{ procedure.reference }}). Härmed underrättas ni "
    f"enligt 12 kap. {_LOU} om att vi har beslutat att avbryta "
    "upphandlingen av delområde {{ procedure.lot }} utan att tilldela "
    "något kontrakt. Ert anbud på detta delområde leder därför inte "
    "till något avtal.",
    "unsuccessful_reason": "Skälen för beslutet",
    "unsuccessful_others": "Har ni lämnat anbud på andra delområden i upphandlingen får ni "
    "en särskild underrättelse om dem.",
    "unsuccessful_remedies": f"{_REVIEW} {_QUESTIONS}",
    # selection (kvalificering)
    "selection_subject": "Resultat av kvalificeringen i upphandlingen",
    "selection_intro": "Tack för er anbudsansökan i upphandlingen {{ procedure.title }} "
    "(diarienummer {{ procedure.reference }}).",
    "selected": "Vi har glädjen att meddela att ni har kvalificerats och bjuds in till nästa "
    "steg i upphandlingen. Totalt har {{ selected_count }} anbudssökande "
    "kvalificerats.",
    "not_selected": "Vi måste tyvärr meddela att ni inte har kvalificerats och därför inte "
    "bjuds in att lämna anbud.",
    "selection_scores": "Era poäng per urvalskriterium",
    "selection_reasons": "Skälen för beslutet",
    "selection_totals": "Er ansökan fick totalt {{ total }} poäng; den lägst rangordnade "
    "kvalificerade anbudssökanden fick {{ lowest_selected_total }} poäng.",
    "selection_remedies": f"{_REVIEW} En ansökan om överprövning kan inte längre prövas när "
    f"avtal har slutits i upphandlingen. {_QUESTIONS}",
    # föreningsbidrag
    "grant_subject": "Beslut om föreningsbidrag ur",
    "grant_intro": "Vi har prövat er ansökan om bidrag ur {{ procedure.title }} "
    "(diarienummer {{ procedure.reference }}) för {{ activity }}.",
    "grant_full": "Ni beviljas ett bidrag på {{ granted }} för perioden {{ period_start }} "
    "till och med {{ period_end }}.",
    "grant_partly": "Ni beviljas ett bidrag på {{ granted }} för perioden "
    "{{ period_start }} till och med {{ period_end }}. Ni ansökte om "
    "{{ requested }}. Ett beslut ska enligt {{ law.reasons_rule }} "
    "motiveras; skälen till att ni beviljas ett lägre belopp är följande:",
    "conditions": "Villkor",
    "payments": "Utbetalning",
    "payments_intro": "Bidraget betalas ut i förskott enligt följande:",
    "advance_settled": "Utbetalda förskott räknas av mot det slutliga bidrag som vi "
    "fastställer när vi har tagit del av er redovisning.",
    "legal_basis": "Beslutet har fattats med stöd av {{ legal_basis }}.",
    "payment_date": "Datum",
    "payment_amount": "Belopp",
    "payment_description": "Avser",
    "reporting": "Redovisning",
    "report_due": "Lämna er redovisning senast {{ report_due }}. Därefter fastställer vi det "
    "slutliga bidraget.",
    # A decision open to förvaltningsbesvär (förvaltningslagen 43-44 §§); Swedish law's
    # föreningsbidrag are not (law.appeal false): ``no_appeal``.
    "awb_objection": "Om ni vill överklaga beslutet ska ni skriva till {{ sender.name }} "
    "och tala om vilket beslut ni överklagar och hur ni vill att det ska "
    "ändras (43 § förvaltningslagen (2017:900)). Överklagandet ska ha kommit "
    "in inom tre veckor från den dag då ni fick del av beslutet (44 §).",
    "interim_relief": "Ett överklagande hindrar inte att beslutet gäller, men den som prövar "
    "överklagandet kan besluta att beslutet tills vidare inte ska gälla "
    "(inhibition).",
    "no_appeal": "Ett beslut om föreningsbidrag kan inte överklagas genom "
    "förvaltningsbesvär. Varje medlem av kommunen kan däremot få beslutets "
    "laglighet prövad av {{ law.supervision }}. Överklagandet ska enligt "
    "{{ law.objection_rule }} ha kommit in till förvaltningsrätten inom tre "
    "veckor från den dag då det tillkännagavs på kommunens anslagstavla att "
    "protokollet över beslutet har justerats. Förvaltningsrätten prövar "
    "endast om beslutet har kommit till i laga ordning, om det rör en "
    "angelägenhet för kommunen, om det organ som har fattat beslutet har "
    "överskridit sina befogenheter och om beslutet strider mot lag eller "
    "annan författning (13 kap. 8 § kommunallagen). Rätten kan upphäva "
    "beslutet men inte sätta ett annat beslut i dess ställe.",
    "refusal_subject": "Beslut om er ansökan om föreningsbidrag ur",
    "refusal_intro": "Ni har ansökt om ett bidrag på {{ requested }} ur "
    "{{ procedure.title }} (diarienummer {{ procedure.reference }}) för "
    "{{ activity }}. Vi avslår ansökan. Skälen för beslutet redovisas "
    "nedan, i enlighet med {{ law.reasons_rule }}.",
    "refusal_ineligible": "Er ansökan uppfyller inte villkoren för att beviljas bidrag.",
    "refusal_minimum": "Er ansökan fick {{ score }} poäng; den lägsta poäng som krävs är "
    "{{ minimum_score }}.",
    "refusal_ceiling": "De medel på {{ ceiling }} som har avsatts för bidraget är "
    "förbrukade. Ansökningarna har prövats i den ordning som bestämdes i "
    "förväg, och för er ansökan finns inga medel kvar.",
    "considerations": "Motivering",
    "refusal_reasons": "Skälen för beslutet",
    "settlement_reasons": "Skälen till att det slutliga bidraget avviker från det beviljade",
    "refusal_scores": "Era poäng per kriterium",
    "settlement_subject": "Beslut om slutligt föreningsbidrag ur",
    "settlement_intro": "Vi har granskat er redovisning av bidraget för {{ activity }} "
    "({{ procedure.title }}, diarienummer {{ procedure.reference }}) och "
    "fastställer det slutliga bidraget till {{ final_amount }}. Beviljat "
    "bidrag var {{ granted }}; ni har hittills fått {{ paid }} utbetalt.",
    "settlement_pay": "Vi betalar ut mellanskillnaden på {{ to_pay }} senast {{ payment_due }}.",
    "settlement_reclaim": "Ni har fått {{ to_reclaim }} för mycket. Enligt villkoren i "
    "bidragsbeslutet ska bidrag som inte har använts för verksamheten "
    "betalas tillbaka. Betala tillbaka beloppet senast "
    "{{ payment_due }} och ange vårt diarienummer.",
    "settlement_settled": "Ni behöver inte betala tillbaka något och vi betalar inte ut något mer.",
    "settlement_iban": "Betala beloppet till konto (IBAN) {{ sender.iban }}, mottagare "
    "{{ sender.name }}, och ange referens {{ reference }}.",
    "settlement_basis": "Vi fastställer bidraget enligt {{ law.settlement_rules }} och "
    "kräver tillbaka det som har betalats ut för mycket enligt "
    "{{ law.reclaim_rule }}.",
    # Delar som en jurisdiktion slår på (Jurisdiction.every_offers_scores,
    # Remedies.told_to_winner, GrantLaw.contract_rule): finns på alla språk.
    "offers_heading": "Poäng för samtliga anbud",
    "offer_rank": "Placering",
    "offer_name": "Anbudsgivare",
    "offer_seat": "Säte",
    "offer_points": "Poäng per kriterium",
    "offer_total": "Totalt",
    "offer_rejected": "anbudet förkastat",
    "offer_rejected_reasons": "anbudet förkastat, med de faktiska och rättsliga skälen:",
    "award_remedies": "En leverantör som anser att beslutet är felaktigt kan vända sig till "
    "{{ remedies.body }} ({{ remedies_rule }}) senast {{ remedies_end }}.",
    "settlement_no_appeal": "Det slutliga bidraget fastställs enligt avtalet "
    "({{ law.contract_rule }}) och är inte ett förvaltningsbeslut: det kan inte "
    "överklagas. Om ni inte håller med, skriv till {{ sender.name }} senast "
    "{{ objection_end }}; tvister om avtalet prövas av allmän domstol.",
    # valfrihetssystem (LOV): beslut om godkännande eller avslag av en ansökan
    "admission_subject": "Beslut om er ansökan om att bli godkänd som leverantör i",
    "admission_intro": "Ni har ansökt om att bli godkänd som leverantör i "
    "valfrihetssystemet {{ procedure.title }} (diarienummer {{ procedure.reference }}). "
    "Härmed underrättas ni om vårt beslut (9 kap. lagen (2008:962) om valfrihetssystem, "
    "LOV).",
    "admission_approved": "Vi godkänner er ansökan. Ni godkänns som leverantör på de villkor "
    "som har annonserats, och vi kommer att teckna kontrakt med er.",
    "admission_refused": "Vi avslår er ansökan. Ansökan uppfyller inte de krav som har "
    "annonserats.",
    "admission_review": "En leverantör som anser att vi har brutit mot LOV och att detta har "
    "medfört skada kan ansöka om rättelse hos {{ review.body }} ({{ review.rule }}). "
    "Ansökan ska ha kommit in till förvaltningsrätten inom tre veckor från den dag då "
    "denna underrättelse lämnades, det vill säga senast {{ review_end }}.",
    "admission_questions": _QUESTIONS,
}
