"""The Polish wording of the default letters, written for Polish law.

Tenders: the notice of the choice of the most advantageous offer (Prawo zamówień publicznych,
"Pzp", art. 253: the winner, every offer's points per criterion and in total, the reasons in
fact and in law for each rejected offer), the standstill before the contract (art. 264(1), or
art. 308(2) below the EU thresholds: the provision comes from the jurisdiction with the number
of days), the notice that a part of the procedure is cancelled (art. 255, 260) and the
instruction on the odwołanie (art. 505, 513-515). Grants: the result of an open call for
proposals under the act on public benefit activity (u.d.p.p.): an agreement follows, not an
administrative decision; no appeal lies (art. 15(2j)); the reasons may be asked for within 30
days (art. 15(2g)); the grant is settled and repaid under the agreement and the public finance
act (u.f.p. art. 250-252).

The layouts differ where Polish law does through the jurisdiction, not these keys (every
language has them): the table of every offer (``offers_heading``, the ``offer_*`` labels) where
``Jurisdiction.every_offers_scores`` fills ``offers``, the instruction on the odwołanie in the
winner's notice too (``award_remedies``) where ``Remedies.told_to_winner``, and the settlement's
own instruction (``settlement_no_appeal``) where the grant is an agreement
(``GrantLaw.contract_rule``). The odwołanie's last day is ``remedies_end``: the law's time limit
(art. 515), which a longer standstill of the authority's own does not extend.
"""

TAG = "pl-PL"  # the language the text is written in, for spelling in Word

_PZP = "ustawy z dnia 11 września 2019 r. – Prawo zamówień publicznych (dalej: Pzp)"
_UDPP = (
    "ustawy z dnia 24 kwietnia 2003 r. o działalności pożytku publicznego i o "
    "wolontariacie (dalej: u.d.p.p.)"
)

_STANDSTILL = (
    "Zgodnie z {{ standstill_rule }} umowa w sprawie zamówienia publicznego może "
    "zostać zawarta w terminie nie krótszym niż {{ standstill_days }} dni od dnia "
    "przesłania niniejszego zawiadomienia. Termin ten upływa w dniu "
    "{{ standstill_end }}. Jeżeli zostanie wniesione odwołanie, zamawiający nie "
    "zawrze umowy do czasu ogłoszenia przez Krajową Izbę Odwoławczą wyroku albo "
    "postanowienia kończącego postępowanie odwoławcze (art. 577 Pzp)."
)

_ODWOLANIE = (
    "Wykonawcy, a także innemu podmiotowi, jeżeli ma lub miał interes w uzyskaniu "
    "zamówienia oraz poniósł lub może ponieść szkodę w wyniku naruszenia przez "
    "zamawiającego przepisów Pzp, przysługuje odwołanie od niezgodnej z przepisami "
    "czynności zamawiającego lub zaniechania czynności, do której zamawiający był "
    "obowiązany (art. 505 ust. 1 i art. 513 Pzp). Adresat odwołania: "
    "{{ remedies.body }} (art. 514 ust. 1 Pzp). "
)

TEXT: dict[str, str] = {
    "date": "Data",
    "reference": "Znak sprawy",
    "subject": "Dotyczy",
    "attention": "Do rąk:",
    "regards": "Z poważaniem",
    "lot": "część",
    "page": "strona",
    "page_of": "z",
    "postal": "Adres do korespondencji",
    "visiting": "Siedziba",
    "mandate": "z upoważnienia",
    "criterion": "Kryterium",
    "weight": "Waga",
    "score": "Ocena",
    "points": "Punkty",
    "own_score": "Ocena Państwa oferty",
    "own_points": "Punkty Państwa oferty",
    "winner_score": "Ocena oferty najkorzystniejszej",
    "winner_points": "Punkty oferty najkorzystniejszej",
    "total": "Łączna punktacja",
    # the notice of the choice of the most advantageous offer (art. 253), to the winner
    "award_subject": "Zawiadomienie o wyborze najkorzystniejszej oferty w postępowaniu pn.",
    "award_intro": "Działając na podstawie art. 253 ust. 1 " + _PZP + ", zamawiający "
    "zawiadamia, że w postępowaniu o udzielenie zamówienia publicznego "
    "{{ procedure.title }} (znak sprawy {{ procedure.reference }}) jako "
    "najkorzystniejszą wybrał ofertę złożoną przez Państwa.",
    "award_rank": "Państwa oferta zajęła {{ rank }}. miejsce w rankingu ofert, uzyskując "
    "łącznie {{ total }} pkt.",
    "award_scores": "Punktacja Państwa oferty w poszczególnych kryteriach oceny ofert",
    "award_standstill": _STANDSTILL,
    "award_remedies": _ODWOLANIE + "Odwołanie wnosi się w terminie określonym w "
    "{{ remedies_rule }}, tj. najpóźniej w dniu {{ remedies_end }}.",
    "next_steps": "Dalsze czynności",
    "offers_heading": "Punktacja wszystkich złożonych ofert (art. 253 ust. 1 pkt 1 Pzp)",
    "offer_rank": "Miejsce",
    "offer_name": "Wykonawca",
    "offer_seat": "Siedziba",
    "offer_points": "Punkty w kryteriach oceny ofert",
    "offer_total": "Łączna punktacja",
    "offer_rejected": "oferta odrzucona",
    "offer_rejected_reasons": "oferta odrzucona – uzasadnienie faktyczne i prawne "
    "(art. 253 ust. 1 pkt 2 Pzp):",
    # the same notice, to every other bidder
    "rejection_subject": "Zawiadomienie o wyborze najkorzystniejszej oferty w postępowaniu pn.",
    "rejection_intro": "Działając na podstawie art. 253 ust. 1 " + _PZP + ", zamawiający "
    "zawiadamia, że w postępowaniu o udzielenie zamówienia publicznego "
    "{{ procedure.title }} (znak sprawy {{ procedure.reference }}) jako "
    "najkorzystniejszą wybrał ofertę złożoną przez: {{ winner }}. Państwa "
    "oferta nie została wybrana.",
    "rejection_rank": "Państwa oferta zajęła {{ rank }}. miejsce spośród {{ ranked_count }} "
    "ocenionych ofert, uzyskując łącznie {{ own_total }} pkt; oferta "
    "najkorzystniejsza uzyskała {{ winner_total }} pkt.",
    "rejection_unranked": "Państwa oferta nie została sklasyfikowana w rankingu ofert. "
    "Uzasadnienie faktyczne i prawne podajemy poniżej (art. 253 ust. 1 "
    "pkt 2 Pzp).",
    "reasons": "Uzasadnienie",
    "selection_reasons": "Uzasadnienie",
    "totals": "Łączna punktacja: Państwa oferta {{ own_total }} pkt, oferta wykonawcy "
    "{{ benchmark or winner }} {{ winner_total }} pkt.",
    "advantages": "Cechy i względne zalety oferty najkorzystniejszej",
    "comparison": "Punktacja Państwa oferty i oferty najkorzystniejszej w poszczególnych "
    "kryteriach",
    "comparison_several": "Liczba wybranych ofert: {{ winner_count }}. Porównujemy Państwa "
    "ofertę z najniżej sklasyfikowaną spośród nich, złożoną przez "
    "{{ benchmark }}; pozostałe wybrane oferty uzyskały tyle samo lub "
    "więcej punktów.",
    "award_others": "Zamawiający wybrał także oferty następujących wykonawców:",
    "justification_own": "Uzasadnienie oceny Państwa oferty:",
    "justification_winner": "Uzasadnienie oceny oferty wykonawcy {{ benchmark or winner }}:",
    "standstill": "Termin zawarcia umowy",
    "rejection_standstill": _STANDSTILL,
    "objection": "Pouczenie",
    "remedies": "Pouczenie o środkach ochrony prawnej",
    "rejection_objection": _ODWOLANIE + "Odwołanie wnosi się w terminie określonym w "
    "{{ remedies_rule }}, tj. najpóźniej w dniu {{ remedies_end }}. "
    "Odwołujący przekazuje zamawiającemu odwołanie albo jego kopię "
    "przed upływem tego terminu w taki sposób, aby zamawiający mógł "
    "zapoznać się z jego treścią (art. 514 ust. 2 Pzp).",
    # a part of the procedure cancelled (art. 255, 260)
    "unsuccessful_subject": "Zawiadomienie o unieważnieniu postępowania pn.",
    "unsuccessful_intro": "Działając na podstawie art. 260 ust. 1 " + _PZP + ", zamawiający "
    "zawiadamia, że unieważnia postępowanie o udzielenie zamówienia "
    "publicznego {{ procedure.title }} (znak sprawy "
    "{{ procedure.reference }}) w zakresie części {{ procedure.lot }} na "
    "podstawie art. 255 Pzp. Złożona przez Państwa oferta w tej części "
    "nie doprowadzi do zawarcia umowy.",
    "unsuccessful_reason": "Uzasadnienie faktyczne i prawne",
    "unsuccessful_others": "O wyniku postępowania w pozostałych częściach zamówienia, jeżeli "
    "złożyli Państwo w nich oferty, zawiadomimy Państwa odrębnie.",
    "unsuccessful_remedies": _ODWOLANIE + "Odwołanie wnosi się w terminie określonym w "
    "{{ remedies_rule }}, tj. najpóźniej w dniu {{ remedies_end }}.",
    # the outcome of the preselection
    "selection_subject": "Informacja o wyniku oceny wniosków o dopuszczenie do udziału w "
    "postępowaniu pn.",
    "selection_intro": "Dziękujemy za złożenie wniosku o dopuszczenie do udziału w "
    "postępowaniu o udzielenie zamówienia publicznego {{ procedure.title }} "
    "(znak sprawy {{ procedure.reference }}), prowadzonym na podstawie " + _PZP + ".",
    "selected": "Informujemy, że zostaną Państwo zaproszeni do składania ofert. Liczba "
    "wykonawców zaproszonych do składania ofert: {{ selected_count }}.",
    "not_selected": "Informujemy, że nie zostaną Państwo zaproszeni do składania ofert w tym "
    "postępowaniu.",
    "selection_scores": "Punktacja Państwa wniosku w poszczególnych kryteriach selekcji",
    "selection_totals": "Państwa wniosek uzyskał łącznie {{ total }} pkt; najniżej "
    "sklasyfikowany wykonawca zaproszony do składania ofert uzyskał "
    "{{ lowest_selected_total }} pkt.",
    "selection_remedies": _ODWOLANIE + "Odwołanie wnosi się w terminie określonym w "
    "{{ remedies_rule }}, tj. najpóźniej w dniu {{ remedies_end }}.",
    # grants: the result of an open call for proposals (otwarty konkurs ofert)
    "grant_subject": "Informacja o wyniku otwartego konkursu ofert pn.",
    "grant_intro": "Rozstrzygając otwarty konkurs ofert {{ procedure.title }} (znak sprawy "
    "{{ procedure.reference }}) na podstawie art. 15 " + _UDPP + ", wybraliśmy "
    "Państwa ofertę na realizację zadania publicznego: {{ activity }}.",
    "grant_full": "Przyznajemy dotację w wysokości {{ granted }} na realizację zadania w "
    "okresie od {{ period_start }} do {{ period_end }}. Dotację przekażemy na "
    "podstawie umowy ({{ law.contract_rule }}), którą zawrzemy z Państwem; "
    "dopiero umowa jest podstawą przekazania środków.",
    "grant_partly": "Przyznajemy dotację w wysokości {{ granted }} na realizację zadania w "
    "okresie od {{ period_start }} do {{ period_end }}. Wnioskowali Państwo o "
    "{{ requested }}. Dotację przekażemy na podstawie umowy "
    "({{ law.contract_rule }}); przed jej zawarciem prosimy o złożenie "
    "zaktualizowanego harmonogramu i kosztorysu zadania, odpowiadających "
    "przyznanej kwocie. Przyznaliśmy niższą kwotę z następujących powodów:",
    "conditions": "Warunki",
    "payments": "Przekazanie dotacji",
    "payments_intro": "Dotację przekażemy w transzach określonych w umowie "
    "({{ law.advance_rule }}):",
    "advance_settled": "Dotacja podlega rozliczeniu na zasadach określonych w umowie; jej "
    "niewykorzystaną część zwraca się w terminie określonym w umowie "
    "({{ law.reclaim_rule }}).",
    "legal_basis": "Podstawa prawna: {{ legal_basis }}.",
    "payment_date": "Termin",
    "payment_amount": "Kwota",
    "payment_description": "Opis",
    "reporting": "Sprawozdawczość",
    "report_due": "Sprawozdanie należy złożyć do dnia {{ report_due }}. Na jego podstawie "
    "rozliczymy dotację ({{ law.settlement_rules }}).",
    "awb_objection": "Od tego rozstrzygnięcia przysługuje środek zaskarżenia w terminie "
    "określonym w {{ law.objection_rule }}, tj. do dnia {{ objection_end }}, "
    "wnoszony za pośrednictwem: {{ sender.name }}.",
    "interim_relief": "Wniesienie środka zaskarżenia nie wstrzymuje wykonania rozstrzygnięcia.",
    "no_appeal": "Do rozstrzygnięcia otwartego konkursu ofert nie stosuje się trybu "
    "odwoławczego (art. 15 ust. 2j u.d.p.p.): wybór oferty nie jest decyzją "
    "administracyjną, nie przysługuje od niego odwołanie ani wniosek o "
    "ponowne rozpatrzenie sprawy. W terminie 30 dni od dnia ogłoszenia "
    "wyników konkursu, tj. do dnia {{ objection_end }}, mogą Państwo zażądać "
    "uzasadnienia wyboru lub odrzucenia oferty ({{ law.reasons_rule }}), "
    "kierując pismo do: {{ sender.name }}. Skarga do sądu administracyjnego "
    "na zarządzenie rozstrzygające konkurs jest możliwa jedynie w granicach "
    "art. 101 ustawy o samorządzie gminnym, gdy rozstrzygnięcie narusza "
    "Państwa interes prawny lub uprawnienie; orzecznictwo sądów "
    "administracyjnych nie jest w tej kwestii jednolite. Nadzór nad zgodnością "
    "działań gminy z prawem sprawuje {{ law.supervision }}; nie jest to organ "
    "odwoławczy. Dotację przyznaje i rozlicza umowa ({{ law.contract_rule }}); "
    "spory z niej wynikające rozstrzyga sąd powszechny.",
    "refusal_subject": "Informacja o wyniku otwartego konkursu ofert pn.",
    "refusal_intro": "W otwartym konkursie ofert {{ procedure.title }} (znak sprawy "
    "{{ procedure.reference }}) złożyli Państwo ofertę na realizację zadania "
    "publicznego: {{ activity }}, wnioskując o dotację w wysokości "
    "{{ requested }}. Rozstrzygając konkurs na podstawie art. 15 "
    + _UDPP
    + ", nie wybraliśmy Państwa oferty: dotacja nie zostanie przyznana.",
    "refusal_reasons": "Uzasadnienie",
    "refusal_ineligible": "Oferta nie spełnia wymogów formalnych określonych w ogłoszeniu o "
    "konkursie i w art. 14 u.d.p.p.",
    "refusal_minimum": "Oferta uzyskała {{ score }} pkt; minimalna liczba punktów wymagana do "
    "przyznania dotacji wynosi {{ minimum_score }} pkt.",
    "refusal_ceiling": "Środki publiczne przeznaczone w ogłoszeniu o konkursie na realizację "
    "zadania ({{ ceiling }}) zostały wyczerpane przez oferty ocenione wyżej "
    "niż Państwa oferta.",
    "considerations": "Uwagi",
    "refusal_scores": "Ocena Państwa oferty w poszczególnych kryteriach",
    "settlement_subject": "Rozliczenie dotacji udzielonej w otwartym konkursie ofert pn.",
    "settlement_intro": "Na podstawie sprawozdania końcowego rozliczamy dotację na realizację "
    "zadania publicznego: {{ activity }} ({{ procedure.title }}, znak "
    "sprawy {{ procedure.reference }}) w kwocie {{ final_amount }}. "
    "Przyznana kwota dotacji wynosiła {{ granted }}; przekazaliśmy "
    "Państwu {{ paid }}.",
    "settlement_reasons": "Dlaczego kwota rozliczenia jest niższa od kwoty przyznanej",
    "settlement_pay": "Pozostałą kwotę {{ to_pay }} przekażemy na Państwa rachunek bankowy do "
    "dnia {{ payment_due }}.",
    "settlement_reclaim": "Kwota {{ to_reclaim }} podlega zwrotowi. Prosimy o jej zwrot do "
    "dnia {{ payment_due }} ({{ law.payment_rule }}); od kwoty zwróconej "
    "po terminie nalicza się odsetki w wysokości określonej jak dla "
    "zaległości podatkowych.",
    "settlement_settled": "Dotacja została rozliczona w całości: nie ma kwoty do zwrotu ani "
    "do dopłaty.",
    "settlement_iban": "Kwotę należy wpłacić na rachunek bankowy {{ sender.iban }} "
    "({{ sender.name }}), podając w tytule przelewu znak sprawy "
    "{{ reference }}.",
    "settlement_basis": "Dotację rozliczamy zgodnie z umową, na podstawie "
    "{{ law.settlement_rules }}. Zwrot środków następuje na podstawie "
    "{{ law.reclaim_rule }}.",
    "settlement_no_appeal": "Rozliczenie dotacji następuje w wykonaniu umowy "
    "({{ law.contract_rule }}) i nie jest decyzją administracyjną: nie "
    "przysługuje od niego odwołanie. Zastrzeżenia do rozliczenia "
    "prosimy zgłosić do dnia {{ objection_end }}, kierując pismo do: "
    "{{ sender.name }}. Spory wynikające z umowy rozstrzyga sąd "
    "powszechny.",
    # open house: rozstrzygnięcie o dopuszczeniu
    "admission_subject": "Rozstrzygnięcie w sprawie wniosku o dopuszczenie do",
    "admission_intro": "Złożyli Państwo wniosek o dopuszczenie jako wykonawca do "
    "{{ procedure.title }} (znak sprawy {{ procedure.reference }}).",
    "admission_approved": "Uwzględniamy Państwa wniosek: zostają Państwo dopuszczeni jako "
    "wykonawca na ogłoszonych warunkach.",
    "admission_refused": "Nie uwzględniamy Państwa wniosku: nie spełnia on ogłoszonych warunków.",
    "admission_review": "Od rozstrzygnięcia mogą Państwo wnieść środek do: "
    "{{ review.body }} ({{ review.rule }}), najpóźniej w dniu {{ review_end }}.",
    "admission_questions": "Pytania i skargi dotyczące rozstrzygnięcia prosimy kierować do: "
    "{{ sender.complaints_to or sender.name }}.",
}
