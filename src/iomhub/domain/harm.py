"""How grave an offence is: default weights per offence category, for choosing the cohort.

Source: the **Cambridge Crime Harm Index** (CCHI; Sherman, Neyroud and Neyroud, "The Cambridge
Crime Harm Index: Measuring Total Harm from Crime Based on Sentencing Guidelines", *Policing*
10(3), 2016, 171–183; values sheet of the 2026 update, Cambridge Centre for Evidence-Based
Policing). The CCHI gives each Home Office offence the number of days of imprisonment that the
Sentencing Council's guideline sets as the starting point for a first offender at the lowest
level of harm and culpability; an offence that would be fined counts the days a person on the
minimum wage works to pay the fine. One day of prison is one point.

How a weight per category of the data package was derived (an approximation, stated plainly):
the CCHI scores offences (over 700 of them), our packages record one of 16 categories. Each
category takes the **median CCHI value of the offences in the matching Home Office police
recorded crime offence subgroup**, as tabulated by subgroup from the 2026 values sheet in a
published secondary analysis (median: robust to the rare, very grave offences in a subgroup,
such as GBH with intent among violence with injury). We did not re-derive the medians from the
spreadsheet ourselves; a unit that holds the current CCHI should check them and may override
any weight in ``package.toml`` (``[selection.gravity]``). Where a category spans several
subgroups, the choice is written beside it below. ``fraud`` has no police recorded crime
subgroup (fraud is recorded by Action Fraud), so it has **no sourced figure**: it takes the
weight of ``other`` as an assumption, not a measurement.

The figures rank people for a selection meeting; they are not the harm of any one offence, and
a category weight hides a wide range (violence with injury runs from 2 to 4,380 days).
"""

from __future__ import annotations

from types import MappingProxyType

SOURCE = ("Cambridge Crime Harm Index (Sherman, Neyroud and Neyroud 2016; 2026 values): median CCHI days "
          "of the matching Home Office offence subgroup; fraud has no subgroup and takes the weight of other")

# category: (days, how the figure was derived)
DERIVATION: MappingProxyType[str, tuple[float, str]] = MappingProxyType({
    "violence_with_injury": (365.0, "subgroup 'violence with injury' (median of 73 offences, range 2-4,380)"),
    "violence_without_injury": (10.0, "subgroup 'violence without injury' (stalking and harassment: also 10)"),
    "sexual": (182.25, "subgroup 'other sexual offences', the larger of the two; rape offences are 2,555, "
                       "so a unit recording mostly rape should raise it"),
    "robbery": (365.0, "subgroups 'robbery of personal property' and 'of business property' (both 365)"),
    "burglary_residential": (273.5, "subgroup 'residential burglary' (active offence codes)"),
    "burglary_business": (183.5, "subgroup 'non-residential burglary'"),
    "vehicle": (5.0, "subgroup 'vehicle offences'"),
    "theft_from_person": (2.0, "subgroup 'theft from the person'"),
    "shoplifting": (1.0, "subgroup 'shoplifting'"),
    "other_theft": (2.0, "subgroup 'other theft offences' (bicycle theft: also 2)"),
    "criminal_damage": (2.0, "subgroup 'criminal damage' (arson, 185, is not separated in a package)"),
    "drugs": (3.0, "subgroup 'possession of drugs', the commoner; trafficking of drugs is 5"),
    "weapons": (273.75, "subgroup 'possession of weapons offences'"),
    "public_order": (7.5, "subgroup 'public order offences'"),
    "fraud": (10.0, "no subgroup: assumed equal to 'other' (not a sourced figure)"),
    "other": (10.0, "subgroup 'miscellaneous crimes against society'"),
})

DEFAULT_GRAVITY: MappingProxyType[str, float] = MappingProxyType(
    {category: days for category, (days, _) in DERIVATION.items()})
