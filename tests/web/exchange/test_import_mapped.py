"""``iomhub import`` honours a package's mapping: mapped extracts load the records their canonical
twin loads, and a mapping with a problem is refused before the database is touched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iomhub.web.audit.models import AuditEvent
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.people.models import Nominal
from tests.cli_runner import run_cli as cli
from tests.cli_runner import write_files

NICHE = "Person URN;DOB;Sex\nU1;01-Jan-1990;M\nU2;02-Feb-1992;F\n"
CASELOAD = "URN,Level,Start\nU1,Fixed,2015-01-01\nU2,Free,2015-02-01\n"
MAPPING = """\
[files]
nominals = "Niche nominal export.csv"
cohort = "IOM caseload.csv"

[columns.nominals]
nominal_id = "Person URN"
date_of_birth = "DOB"
gender = "Sex"

[columns.cohort]
nominal_id = "URN"
scheme = "Level"
start_date = "Start"

[codes.nominals.gender]
male = ["M"]
female = ["F"]

[codes.cohort.scheme]
priority = ["Fixed"]
standard = ["Free"]

[dates]
formats = ["%d-%b-%Y"]
"""


def extracts(folder: Path, mapping: str) -> Path:
    return write_files(folder, {"Niche nominal export.csv": NICHE, "IOM caseload.csv": CASELOAD,
                                "package.toml": mapping})



def test_mapped_extracts_import_as_their_canonical_records(db: Any, tmp_path: Path) -> None:
    result = cli("import", str(extracts(tmp_path / "march", MAPPING)), "--reason", "monthly extract")
    assert result.exit_code == 0, result.output
    people = {n.nominal_id: (n.date_of_birth.isoformat(), n.gender) for n in Nominal.objects.all()}
    assert people == {"U1": ("1990-01-01", "male"), "U2": ("1992-02-02", "female")}
    episodes = sorted((e.nominal.nominal_id, e.scheme, e.start_date.isoformat()) for e in CohortEpisode.objects.all())
    assert episodes == [("U1", "priority", "2015-01-01"), ("U2", "standard", "2015-02-01")]
    again = cli("import", str(tmp_path / "march"))
    assert again.exit_code == 0 and "nothing changed" in again.stdout


def test_a_broken_mapping_is_refused_and_nothing_is_written(db: Any, tmp_path: Path) -> None:
    before = (Nominal.objects.count(), CohortEpisode.objects.count(), AuditEvent.objects.count())
    folder = extracts(tmp_path / "march", MAPPING.replace('standard = ["Free"]', 'standart = ["Free"]'))
    result = cli("import", str(folder))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "package.toml:21: codes.cohort.scheme.standart: 'standart' is not a code of cohort.scheme (did you mean "
        "'standard'?): its codes are priority, enhanced, standard")
    unmapped = extracts(tmp_path / "april", MAPPING.replace('standard = ["Free"]', ""))
    result = cli("import", str(unmapped))
    assert result.exit_code == 2
    assert "IOM caseload.csv:3: Level: unknown code 'Free'" in result.stderr
    assert (Nominal.objects.count(), CohortEpisode.objects.count(), AuditEvent.objects.count()) == before
