"""The office's letterhead is set once by an admin and read everywhere; until it is,
it reads as the office's address with no one named to sign."""

from engage.reports.office import Office, OfficeHolder, office, write_office


def test_defaults_until_an_admin_sets_them(db, app_ctx):
    details = office()
    assert details.name == "Police & Crime Commissioner for Cleveland"
    assert details.address[-1] == "TS8 9EH"
    assert [h.role for h in details.holders][0] == "Police and Crime Commissioner"
    assert not details.is_complete


def test_what_the_admin_wrote_is_read_back(db, app_ctx):
    write_office(
        Office(
            name="Office of the PCC",
            holders=[OfficeHolder("Police and Crime Commissioner", "A. Person", "01642 000000")],
            signature_name="A. Person",
        ),
        "admin@example.org",
    )
    db.session.commit()
    details = office()
    assert details.name == "Office of the PCC"
    assert details.holders == [OfficeHolder("Police and Crime Commissioner", "A. Person", "01642 000000")]
    assert details.is_complete
    # A field the admin never set keeps its default.
    assert details.website == "www.cleveland.pcc.police.uk"
