"""The Dutch wording of the default letters (Dutch law: Aanbestedingswet 2012, Awb)."""

TAG = "nl-NL"  # the language the text is written in, for spelling in Word

TEXT: dict[str, str] = {
    "date": "Datum",
    "reference": "Ons kenmerk",
    "subject": "Onderwerp",
    "attention": "t.a.v.",
    "regards": "Met vriendelijke groet,",
    "lot": "perceel",
    "page": "pagina",
    "page_of": "van",
    "postal": "Postadres",
    "visiting": "Bezoekadres",
    "mandate": "namens dezen,",
    "criterion": "Criterium",
    "weight": "Weging",
    "score": "Score",
    "points": "Punten",
    "own_score": "Uw score",
    "own_points": "Uw punten",
    "winner_score": "Score winnaar",
    "winner_points": "Punten winnaar",
    "total": "Totaal",
    # award intent
    "award_subject": "Voornemen tot gunning",
    "award_intro": "Hartelijk dank voor uw inschrijving op de aanbesteding "
    "{{ procedure.title }} (kenmerk {{ procedure.reference }}). Met "
    "genoegen delen wij u mee dat wij voornemens zijn de opdracht aan u te "
    "gunnen.",
    "award_rank": "Uw inschrijving is als nummer {{ rank }} gerangschikt met een "
    "totaalscore van {{ total }} punten.",
    "award_scores": "Uw scores per criterium",
    "award_standstill": "Dit is een voornemen, nog geen definitieve gunning. De andere "
    "inschrijvers kunnen binnen de opschortende termijn van "
    "{{ standstill_days }} kalenderdagen hiertegen opkomen. Deze "
    "termijn eindigt op {{ standstill_end }}. Daarna ontvangt u de "
    "definitieve gunning, tenzij een rechter anders beslist. Aan dit "
    "voornemen kunt u nog geen rechten ontlenen.",
    "next_steps": "Vervolgstappen",
    # rejection
    "rejection_subject": "Gunningsbeslissing",
    "rejection_intro": "Hartelijk dank voor uw inschrijving op de aanbesteding "
    "{{ procedure.title }} (kenmerk {{ procedure.reference }}). Met "
    "deze brief delen wij u mee dat wij voornemens zijn de opdracht "
    "aan {{ winner }} te gunnen. Uw inschrijving komt daarom niet voor "
    "gunning in aanmerking.",
    "rejection_rank": "Uw inschrijving is als nummer {{ rank }} van {{ ranked_count }} "
    "gerangschikt met {{ own_total }} punten; de winnende inschrijving "
    "behaalde {{ winner_total }} punten.",
    "rejection_unranked": "Uw inschrijving is niet in de rangschikking opgenomen.",
    "reasons": "Redenen van de afwijzing",
    "selection_reasons": "Motivering",
    "advantages": "Kenmerken en relatieve voordelen van de winnende inschrijving",
    "comparison": "Uw scores en die van de winnende inschrijving per criterium",
    "comparison_several": "Er zijn {{ winner_count }} winnende inschrijvingen. Wij "
    "vergelijken uw inschrijving met de laagst gerangschikte "
    "daarvan, die van {{ benchmark }}; de andere winnende "
    "inschrijvingen scoren gelijk of hoger.",
    "award_others": "Wij zijn eveneens voornemens de opdracht te gunnen aan:",
    "totals": "Totaalscore: uw inschrijving {{ own_total }} punten, de inschrijving van "
    "{{ benchmark or winner }} {{ winner_total }} punten.",
    "justification_own": "Motivering van uw score:",
    "justification_winner": "Motivering van de score van {{ benchmark or winner }}:",
    "standstill": "Opschortende termijn",
    "rejection_standstill": "Wij gunnen de opdracht niet definitief voordat de "
    "opschortende termijn van {{ standstill_days }} kalenderdagen "
    "na de dag van verzending van deze brief is verstreken. Deze "
    "termijn eindigt op {{ standstill_end }}.",
    "objection": "Bezwaar",
    "remedies": "Rechtsbescherming",
    "rejection_objection": "Bent u het niet eens met deze beslissing, dan kunt u uiterlijk "
    "op {{ standstill_end }} een kort geding aanhangig maken bij de "
    "voorzieningenrechter. Doet u dat niet binnen deze termijn, "
    "dan vervalt uw recht om tegen deze beslissing op te komen.",
    # lot unsuccessful
    "unsuccessful_subject": "Perceel niet gegund:",
    "unsuccessful_intro": "Hartelijk dank voor uw inschrijving op de aanbesteding "
    "{{ procedure.title }} (kenmerk {{ procedure.reference }}). Met "
    "deze brief delen wij u mee dat wij perceel {{ procedure.lot }} "
    "niet gunnen: het perceel is mislukt verklaard. Uw inschrijving "
    "op dit perceel leidt daarom niet tot een opdracht.",
    "unsuccessful_reason": "Reden",
    "unsuccessful_others": "Over de andere percelen van deze aanbesteding ontvangt u, als "
    "u daarop hebt ingeschreven, een afzonderlijke beslissing.",
    # selection
    "selection_subject": "Uitkomst van de selectie",
    "selection_intro": "Hartelijk dank voor uw aanmelding voor de aanbesteding "
    "{{ procedure.title }} (kenmerk {{ procedure.reference }}).",
    "selected": "Wij delen u met genoegen mee dat u bent geselecteerd voor de volgende "
    "fase. In totaal zijn {{ selected_count }} gegadigden geselecteerd.",
    "not_selected": "Wij moeten u helaas meedelen dat u niet bent geselecteerd voor de "
    "volgende fase.",
    "selection_scores": "Uw scores per selectiecriterium",
    "selection_totals": "Uw aanmelding behaalde in totaal {{ total }} punten; de laagst "
    "gerangschikte geselecteerde gegadigde behaalde "
    "{{ lowest_selected_total }} punten.",
    # subsidies
    "grant_subject": "Besluit subsidieverlening",
    "grant_intro": "Wij hebben besloten op uw aanvraag om subsidie uit "
    "{{ procedure.title }} (kenmerk {{ procedure.reference }}) voor de "
    "activiteit ‘{{ activity }}’.",
    "grant_full": "Wij verlenen u een subsidie van ten hoogste {{ granted }} voor de periode "
    "van {{ period_start }} tot en met {{ period_end }}.",
    "grant_partly": "Wij verlenen u een subsidie van ten hoogste {{ granted }} voor de "
    "periode van {{ period_start }} tot en met {{ period_end }}. U vroeg "
    "{{ requested }}; wij verlenen minder om de volgende redenen:",
    "conditions": "Voorwaarden",
    "payments": "Betaling",
    "payments_intro": "Wij betalen de subsidie als volgt. Wat wij vóór de vaststelling "
    "betalen, is een voorschot ({{ law.advance_rule }}).",
    "advance_settled": "De voorschotten worden verrekend met het bedrag waarop wij de "
    "subsidie vaststellen.",
    "legal_basis": "Wij nemen dit besluit op grond van {{ legal_basis }}.",
    "payment_date": "Datum",
    "payment_amount": "Bedrag",
    "payment_description": "Omschrijving",
    "reporting": "Verantwoording",
    "report_due": "Vraag de vaststelling van de subsidie aan door uw verantwoording "
    "uiterlijk op {{ report_due }} bij ons in te dienen. Daarna stellen wij "
    "de subsidie vast ({{ law.settlement_rules }}).",
    "awb_objection": "Bent u het niet eens met dit besluit, dan kunt u binnen zes weken "
    "na de dag van verzending bezwaar maken ({{ law.objection_rule }}), "
    "dus uiterlijk op {{ objection_end }}. Stuur uw ondertekende "
    "bezwaarschrift aan {{ sender.deciding }}"
    "{% if sender.address %}, {{ sender.address | join(', ') }}{% endif %}. "
    "Vermeld daarin uw naam en adres, de datum, ons kenmerk of een "
    "omschrijving van het besluit en de redenen van uw bezwaar.",
    "interim_relief": "Een bezwaarschrift schorst de werking van dit besluit niet. Is er "
    "spoed, dan kunt u daarnaast de voorzieningenrechter van de rechtbank "
    "vragen een voorlopige voorziening te treffen (artikel 8:81 Algemene "
    "wet bestuursrecht).",
    "refusal_subject": "Besluit op uw subsidieaanvraag",
    "refusal_intro": "U vroeg een subsidie van {{ requested }} aan uit "
    "{{ procedure.title }} (kenmerk {{ procedure.reference }}) voor de "
    "activiteit ‘{{ activity }}’. Wij weigeren deze subsidie.",
    "refusal_reasons": "Waarom wij de subsidie weigeren",
    "refusal_ineligible": "Uw aanvraag voldoet niet aan de voorwaarden om voor subsidie "
    "in aanmerking te komen.",
    "refusal_minimum": "Uw aanvraag behaalde {{ score }} punten; de minimumscore is "
    "{{ minimum_score }} punten.",
    "refusal_ceiling": "Het subsidieplafond van {{ ceiling }} is bereikt. Aanvragen zijn "
    "in de vastgestelde volgorde behandeld; voor uw aanvraag is geen "
    "budget meer beschikbaar. Een subsidie wordt geweigerd voor zover "
    "het subsidieplafond door verstrekking ervan zou worden overschreden "
    "(artikel 4:25, tweede lid, Algemene wet bestuursrecht).",
    "considerations": "Toelichting",
    "refusal_scores": "Uw scores per criterium",
    "settlement_subject": "Besluit subsidievaststelling",
    "settlement_intro": "Wij stellen de subsidie voor de activiteit ‘{{ activity }}’ "
    "({{ procedure.title }}, kenmerk {{ procedure.reference }}) vast op "
    "{{ final_amount }}. Wij verleenden u een subsidie van ten hoogste "
    "{{ granted }}; aan voorschotten ontving u {{ paid }}.",
    "settlement_pay": "Wij betalen u het verschil van {{ to_pay }} uiterlijk op {{ payment_due }}.",
    "settlement_reclaim": "U heeft {{ to_reclaim }} te veel ontvangen. Wij vorderen dit "
    "bedrag terug op grond van {{ law.reclaim_rule }}; betaal het "
    "uiterlijk op {{ payment_due }}.",
    "settlement_settled": "U hoeft niets terug te betalen en wij betalen niets meer.",
    "settlement_iban": "Maak het bedrag over naar rekeningnummer {{ sender.iban }} ten "
    "name van {{ sender.name }}, onder vermelding van kenmerk "
    "{{ reference }}.",
    "settlement_basis": "Wij stellen de subsidie vast op grond van "
    "{% if legal_basis %}{{ legal_basis }} en {% endif %}"
    "{{ law.settlement_rules }}.",
    "settlement_reasons": "Waarom het vastgestelde bedrag afwijkt van de verlening",
    # the remedies of a tender (the tender's own wording, or the language's text of its law)
    "selection_remedies": "{{ objection }}",
    "unsuccessful_remedies": "{{ objection }}",
    "no_appeal": "Tegen dit besluit staan geen bezwaar en geen administratief beroep open "
    "({{ law.objection_rule }}). Toezicht op de rechtmatigheid houdt "
    "{{ law.supervision }}; dat is geen beroepsinstantie. U kunt het besluit "
    "aan de rechter voorleggen.",
    # Onderdelen die een jurisdictie aanzet (Jurisdiction.every_offers_scores,
    # Remedies.told_to_winner, GrantLaw.contract_rule): in elke taal aanwezig.
    "offers_heading": "Punten van alle inschrijvingen",
    "offer_rank": "Plaats",
    "offer_name": "Inschrijver",
    "offer_seat": "Vestigingsplaats",
    "offer_points": "Punten per criterium",
    "offer_total": "Totaal",
    "offer_rejected": "inschrijving terzijde gelegd",
    "offer_rejected_reasons": "inschrijving terzijde gelegd, met de feitelijke en juridische "
    "redenen:",
    "award_remedies": "Een inschrijver die het niet eens is met deze beslissing, kan zich "
    "uiterlijk op {{ remedies_end }} wenden tot {{ remedies.body }} "
    "({{ remedies_rule }}).",
    "settlement_no_appeal": "Deze vaststelling volgt uit de overeenkomst "
    "({{ law.contract_rule }}) en is geen besluit: bezwaar en beroep staan er niet tegen "
    "open. Bent u het er niet mee eens, schrijf dan uiterlijk op {{ objection_end }} aan "
    "{{ sender.name }}; geschillen over de overeenkomst beslist de burgerlijke rechter.",
    # open house: de beslissing op een verzoek tot toelating
    "admission_subject": "Beslissing op uw verzoek tot toelating tot",
    "admission_intro": "U hebt verzocht om als aanbieder te worden toegelaten tot "
    "{{ procedure.title }} (kenmerk {{ procedure.reference }}).",
    "admission_approved": "Wij willigen uw verzoek in: u wordt op de gepubliceerde "
    "voorwaarden als aanbieder toegelaten.",
    "admission_refused": "Wij wijzen uw verzoek af: het voldoet niet aan de gepubliceerde "
    "voorwaarden.",
    "admission_review": "U kunt uiterlijk op {{ review_end }} om toetsing van deze "
    "beslissing vragen bij {{ review.body }} ({{ review.rule }}).",
    "admission_questions": "Met vragen over deze beslissing of een klacht kunt u terecht bij "
    "{{ sender.complaints_to or sender.name }}.",
}
