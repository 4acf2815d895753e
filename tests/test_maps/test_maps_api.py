import uuid


def post(client, ward_code, **extra):
    body = {"id": str(uuid.uuid4()), "category": "youth_asb", "description": "x", "ward_code": ward_code}
    body.update(extra)
    assert client.post("/api/v1/concerns", json=body).status_code == 201


def test_ward_map_data_with_breaks_and_filters(staff_client, officer_client):
    post(officer_client, "E05009857")
    post(officer_client, "E05009857")
    post(officer_client, "E05001552", category="speeding")
    data = staff_client.get("/api/v1/maps/wards").get_json()
    assert data["total"] == 3 and data["wards"]["E05009857"]["count"] == 2 and len(data["wards"]) == 79
    assert data["method"] == "Quantiles" and data["breaks"][-1] == 2 and data["demo"] is False
    youth = staff_client.get("/api/v1/maps/wards?category=youth_asb&breaks=jenks").get_json()
    assert youth["total"] == 2 and youth["method"].startswith("Natural breaks")
    assert staff_client.get("/api/v1/maps/wards?from=nonsense").status_code == 400
    assert staff_client.get("/api/v1/maps/wards?measure=everything").status_code == 400


def test_inspector_map_is_scoped(officer_client, inspector_client):
    post(officer_client, "E05001552")
    data = inspector_client.get("/api/v1/maps/wards").get_json()
    assert set(data["wards"]) == {"E05009857", "E05009866", "E05009867"} and data["total"] == 0
    heat = inspector_client.get("/api/v1/maps/heat").get_json()
    assert heat["points"] == []


def test_cache_is_invalidated_when_concerns_arrive(staff_client, officer_client):
    assert staff_client.get("/api/v1/maps/wards").get_json()["total"] == 0
    post(officer_client, "E05009857")
    assert staff_client.get("/api/v1/maps/wards").get_json()["total"] == 1


def test_heat_layer_bins(staff_client, officer_client):
    post(officer_client, None, lon=-1.2345, lat=54.5742)
    post(officer_client, None, lon=-1.2346, lat=54.5741)
    heat = staff_client.get("/api/v1/maps/heat?zoom=12").get_json()
    assert heat["points"] and sum(p[2] for p in heat["points"]) == 2 and heat["zoom"] == 12


def test_authority_outlines(client):
    data = client.get("/api/authorities").get_json()
    assert [f["properties"]["lad_name"] for f in data["features"]] == [
        "Hartlepool",
        "Middlesbrough",
        "Redcar and Cleveland",
        "Stockton-on-Tees",
    ]


def test_maps_page_needs_log_in(client, officer_client):
    assert client.get("/maps").status_code == 302
    page = officer_client.get("/maps?category=drugs")
    assert page.status_code == 200 and 'value="drugs" selected' in page.get_data(as_text=True)


def test_ward_map_answer_carries_its_classes_and_what_the_filters_leave_out(staff_client, officer_client):
    for _ in range(3):
        post(officer_client, "E05009857")  # Central, Middlesbrough
    post(officer_client, "E05001552")  # Yarm, Stockton-on-Tees
    data = staff_client.get("/api/v1/maps/wards").get_json()
    assert [c["label"] for c in data["classes"]] == ["1", "3"] and data["few_values"] is True
    assert data["zero"] == 77 and data["outside_selection"] == [] and data["breaks"] == [1, 3]
    assert "2 different figures" in data["note"]

    middlesbrough = staff_client.get("/api/v1/maps/wards?lad=E06000002").get_json()
    assert "E05001552" in middlesbrough["outside_selection"]
    assert "E05009857" not in middlesbrough["outside_selection"]
    # Wards left out by the filter are neither a class nor "0".
    assert [c["label"] for c in middlesbrough["classes"]] == ["3"]
    assert middlesbrough["zero"] == 79 - len(middlesbrough["outside_selection"]) - 1
