"""The office's letterhead and signature: who the report and the public pages say they
are from. An admin sets them once (`write_office`); until then they read as the office
address on the Panel report of 3 July 2018, with the office holders left for the admin
to fill in (names change with elections; an old name on a new report would mislead)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from engage.platform.settings import read_setting, write_setting

OFFICE_KEY = "office"


@dataclass
class OfficeHolder:
    role: str
    name: str = ""
    telephone: str = ""


@dataclass
class Office:
    name: str = "Police & Crime Commissioner for Cleveland"
    address: list[str] = field(
        default_factory=lambda: ["Cleveland Police Headquarters", "Ladgate Lane", "Middlesbrough", "TS8 9EH"]
    )
    email: str = "pcc@cleveland.pnn.police.uk"
    website: str = "www.cleveland.pcc.police.uk"
    telephone: str = "01642 301653"
    holders: list[OfficeHolder] = field(
        default_factory=lambda: [
            OfficeHolder("Police and Crime Commissioner"),
            OfficeHolder("Chief of Staff (Chief Executive & Monitoring Officer)"),
            OfficeHolder("Chief Constable"),
        ]
    )
    signature_name: str = ""
    signature_title: str = "Police and Crime Commissioner for Cleveland"

    @property
    def is_complete(self) -> bool:
        """Whether the admin has named who signs: a report without it is not ready to send."""
        return bool(self.signature_name.strip())


def office() -> Office:
    stored = read_setting(OFFICE_KEY, asdict(Office()))
    holders = [OfficeHolder(**h) for h in stored.pop("holders", []) if isinstance(h, dict)]
    known = {k: v for k, v in stored.items() if k in Office.__dataclass_fields__}
    return Office(**known, holders=holders)


def write_office(details: Office, actor: str) -> None:
    write_setting(OFFICE_KEY, asdict(details), actor)
