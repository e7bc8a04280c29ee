## Werkgever: het rapport als pdf (opgemaakt door HRnexus zelf)

results-pdf-link = Download rapport (pdf)
report-priorities-title = Prioriteiten
report-priorities-intro = Deze onderwerpen vragen het meest om aandacht, het zwakste eerst, met waar het speelt en een eerste stap:
report-priorities-none = Geen enkel onderwerp valt in ‘werk aan de winkel’ of ‘aandacht nodig’. Houd vast wat goed gaat.
report-priority-figures = { $fav } positief, { $unfav } negatief
report-overview-title = Overzicht per groep
report-overview-intro = Per groep en onderwerp de beoordeling in woorden en in kleur, met het deel dat positief antwoordde.
report-overview-group = Groep
report-group-detail = { $responses } · index { $index }
report-band-none = geen antwoorden
report-cell-favourable = { $pct } positief
report-hidden-departments = Afdelingen zonder cijfers in dit rapport: { $count }. Daar reageerden minder dan { $k } mensen, of hun cijfers zijn terug te rekenen naar een kleinere groep.
report-legend = Zo lees je de kleuren
report-advice-intro = Dit kun je doen voor de onderwerpen die aandacht nodig hebben, beginnend bij het zwakste.
report-trend-intro = De autonomie-index (0 tot 100) en het gemiddelde per onderwerp (1 tot 5) van de hele scan, per ronde.
report-footer-rule = Anoniem: een groep met minder dan { $k } reacties toont geen cijfers, en opmerkingen van medewerkers staan niet in dit rapport.
report-footer-page = Pagina { $page } van { $pages }
