## Employer: the PDF report (made by HRnexus itself)

results-pdf-link = Download report (PDF)
report-priorities-title = Priorities
report-priorities-intro = These topics need the most attention, the weakest first, with where they fall short and a first step:
report-priorities-none = No topic falls into ‘werk aan de winkel’ (work to do) or ‘needs attention’. Hold on to what goes well.
report-priority-figures = { $fav } favourable, { $unfav } unfavourable
report-overview-title = Overview by group
report-overview-intro = For each group and topic the assessment in words and in colour, with the share that answered favourably.
report-overview-group = Group
report-group-detail = { $responses } · index { $index }
report-band-none = no answers
report-cell-favourable = { $pct } favourable
report-hidden-departments = Departments without figures in this report: { $count }. Fewer than { $k } people responded there, or their figures could be traced back to a smaller group.
report-legend = How to read the colours
report-advice-intro = What you can do for the topics that need attention, starting with the weakest.
report-trend-intro = The autonomy index (0 to 100) and the mean per topic (1 to 5) of the whole scan, per round.
report-footer-rule = Anonymous: a group with fewer than { $k } responses shows no figures, and employees' comments are not in this report.
report-footer-page = Page { $page } of { $pages }
