* Reference counts for analysis.collaboration: collaboration form by respondent type and by side.
* Run from the repository root:
*   pspp -O format=csv -o tests/reference/collaboration_crosstab.csv tests/reference/collaboration_crosstab.sps
GET FILE='data/raw/organisatie_enquete.sav'.
CROSSTABS /TABLES=resp_type org_side BY collab_form /CELLS=COUNT /STATISTICS=CHISQ.
