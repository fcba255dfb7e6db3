"""The Dutch wording of the default letters (Dutch law: Aanbestedingswet 2012, Awb)."""

TAG = "nl-NL"  # the language the text is written in, for spelling in Word

TEXT: dict[str, str] = {
    "date": "Datum", "reference": "Ons kenmerk", "subject": "Onderwerp",
    "attention": "t.a.v.", "dear": "Geachte heer, mevrouw,",
    "dear_named": "Geachte {{ addressee.contact_person }},",
    "regards": "Met vriendelijke groet,", "lot": "perceel",
    "postal": "Postadres", "visiting": "Bezoekadres", "mandate": "namens dezen,",
    "criterion": "Criterium", "weight": "Weging", "score": "Score", "points": "Punten",
    "own_score": "Uw score", "own_points": "Uw punten",
    "winner_score": "Score winnaar", "winner_points": "Punten winnaar",
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
                        "definitieve gunning, tenzij een rechter anders beslist.",
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
    "advantages": "Kenmerken en relatieve voordelen van de winnende inschrijving",
    "comparison": "Uw scores en die van de winnende inschrijving per criterium",
    "comparison_several": "Er zijn {{ winner_count }} winnende inschrijvingen. Wij "
                          "vergelijken uw inschrijving met de laagst gerangschikte "
                          "daarvan, die van {{ benchmark }}; de andere winnende "
                          "inschrijvingen scoren gelijk of hoger.",
    "award_others": "Wij zijn eveneens voornemens de opdracht te gunnen aan:",
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
    "grant_intro": "Op uw aanvraag voor subsidie uit {{ procedure.title }} (kenmerk "
                   "{{ procedure.reference }}) voor {{ activity }} hebben wij besloten.",
    "grant_full": "Wij verlenen u een subsidie van {{ granted }} voor de periode van "
                  "{{ period_start }} tot en met {{ period_end }}.",
    "grant_partly": "Wij verlenen u een subsidie van {{ granted }} voor de periode van "
                    "{{ period_start }} tot en met {{ period_end }}. U vroeg "
                    "{{ requested }}; wij verlenen minder om de volgende redenen:",
    "conditions": "Voorwaarden",
    "payments": "Betaling",
    "payments_intro": "Wij betalen de subsidie als voorschot ({{ law.advance_rule }}), als "
                      "volgt:",
    "advance_settled": "De voorschotten worden verrekend met het bedrag waarop wij de "
                       "subsidie vaststellen.",
    "legal_basis": "Wij nemen dit besluit op grond van {{ legal_basis }}.",
    "payment_date": "Datum", "payment_amount": "Bedrag", "payment_description":
        "Omschrijving",
    "reporting": "Verantwoording",
    "report_due": "Vraag de vaststelling van de subsidie aan door uw verantwoording "
                  "uiterlijk op {{ report_due }} bij ons in te dienen. Daarna stellen wij "
                  "de subsidie vast ({{ law.settlement_rules }}).",
    "awb_objection": "Bent u het niet eens met dit besluit, dan kunt u binnen zes weken "
                     "na de dag van verzending bezwaar maken (artikel 6:7 Algemene wet "
                     "bestuursrecht), dus uiterlijk op {{ objection_end }}. Stuur uw "
                     "ondertekende bezwaarschrift aan {{ sender.name }}, met uw naam en "
                     "adres, de datum, een omschrijving van het besluit en de redenen "
                     "van uw bezwaar.",
    "refusal_subject": "Besluit op uw subsidieaanvraag",
    "refusal_intro": "U vroeg een subsidie van {{ requested }} aan uit "
                     "{{ procedure.title }} (kenmerk {{ procedure.reference }}) voor "
                     "{{ activity }}. Wij weigeren deze subsidie.",
    "refusal_ineligible": "Uw aanvraag voldoet niet aan de voorwaarden om voor subsidie "
                          "in aanmerking te komen.",
    "refusal_minimum": "Uw aanvraag behaalde {{ score }} punten; de minimumscore is "
                       "{{ minimum_score }} punten.",
    "refusal_ceiling": "Het subsidieplafond van {{ ceiling }} is bereikt. Aanvragen zijn "
                       "in de vastgestelde volgorde behandeld; voor uw aanvraag is geen "
                       "budget meer beschikbaar (artikel 4:25 Algemene wet "
                       "bestuursrecht).",
    "considerations": "Toelichting",
    "refusal_scores": "Uw scores per criterium",
    "settlement_subject": "Besluit subsidievaststelling",
    "settlement_intro": "Wij stellen de subsidie voor {{ activity }} ({{ procedure.title }}"
                        ", kenmerk {{ procedure.reference }}) vast op {{ final_amount }}. "
                        "Verleend was {{ granted }}; u ontving al {{ paid }}.",
    "settlement_pay": "Wij betalen u het verschil van {{ to_pay }} uiterlijk op "
                      "{{ payment_due }}.",
    "settlement_reclaim": "U heeft {{ to_reclaim }} te veel ontvangen. Wij vorderen dit "
                          "bedrag terug; betaal het uiterlijk op {{ payment_due }} onder "
                          "vermelding van ons kenmerk.",
    "settlement_settled": "U hoeft niets terug te betalen en wij betalen niets meer.",
    "settlement_iban": "Maak het bedrag over naar rekeningnummer {{ sender.iban }} ten "
                       "name van {{ sender.name }}, onder vermelding van kenmerk "
                       "{{ reference }}.",
    "settlement_basis": "Wij stellen de subsidie vast op grond van "
                        "{{ law.settlement_rules }}. Wat u te veel ontving, vorderen wij "
                        "terug op grond van {{ law.reclaim_rule }}.",
    # the remedies of a tender (the tender's own wording, or the language's text of its law)
    "selection_remedies": "{{ objection }}",
    "unsuccessful_remedies": "{{ objection }}",
    "no_appeal": "Tegen dit besluit staan geen bezwaar en geen administratief beroep open "
                 "({{ law.objection_rule }}). Toezicht op de rechtmatigheid houdt "
                 "{{ law.supervision }}; dat is geen beroepsinstantie. U kunt het besluit "
                 "aan de rechter voorleggen.",
}
