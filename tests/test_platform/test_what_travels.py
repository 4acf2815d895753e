"""What travels to a phone (issue #20): content-hashed URLs kept for a year, answers
compressed where the browser accepts it, and the ward outlines fetched once per set."""

import gzip
import re

import brotli
import pytest
import shapely

from engage.platform import assets

HASHED = re.compile(r'(?:href|src)="(/(?:static|vendor)/[^"]+)"')


def _page_urls(client, path):
    html = client.get(path).get_data(as_text=True)
    return HASHED.findall(html)


def test_a_pages_files_carry_a_digest_and_are_kept_for_a_year(app, officer_client):
    urls = _page_urls(officer_client, "/capture")
    assert any("/vendor/leaflet/" in u for u in urls) or any("/vendor/idb/" in u for u in urls)
    assert any(u.endswith("/js/capture/app.js") for u in urls)
    for url in urls:
        assert re.match(r"^/(static|vendor/[\w.-]+)/[0-9a-f]{12}/", url), url
        response = officer_client.get(url)
        if url.startswith("/vendor/") and response.status_code == 404:
            pytest.skip("front-end packages not installed (make setup)")
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url
        response.close()


def test_modules_import_their_neighbours_under_the_same_digest(app):
    # app.js imports "./store.js": the browser asks for store.js beside app.js's URL,
    # digest included, so every module of the folder must share it.
    with app.test_request_context():
        from flask import url_for

        app_js = url_for("static", filename="js/capture/app.js")
        store_js = url_for("static", filename="js/capture/store.js")
    assert app_js.rsplit("/", 1)[0] == store_js.rsplit("/", 1)[0]
    response = app.test_client().get(store_js)
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_an_edited_file_gets_a_new_url(app, tmp_path):
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "a.js").write_text("export const a = 1;\n")
    (tmp_path / "js" / "b.js").write_text("export const b = 1;\n")
    (tmp_path / "site.css").write_text("body { color: black }\n")
    folder, app.static_folder = app.static_folder, str(tmp_path)
    try:
        with app.test_request_context():
            before = assets.static_digest("js/a.js"), assets.static_digest("site.css")
            (tmp_path / "js" / "b.js").write_text("export const b = 2;\n")  # a neighbour of a.js
            after_js = assets.static_digest("js/a.js")
            assert after_js != before[0]
            assert assets.static_digest("site.css") == before[1]
            (tmp_path / "site.css").write_text("body { color: navy }\n")
            assert assets.static_digest("site.css") != before[1]
            assert assets.static_digest("js/missing.js") is None
            assert assets.static_digest("../../etc/passwd") is None
    finally:
        app.static_folder = folder


def test_an_old_or_missing_digest_gets_todays_file_revalidated(client):
    current = client.get("/static/css/engage.css")
    old = client.get("/static/000000000000/css/engage.css")
    assert old.status_code == current.status_code == 200
    assert old.get_data() == current.get_data()
    assert old.headers["Cache-Control"] == current.headers["Cache-Control"] == "no-cache"
    assert client.get("/static/000000000000/css/nothing.css").status_code == 404


def _vendor_or_skip(client, url, **kw):
    response = client.get(url, **kw)
    if response.status_code == 404:
        pytest.skip("front-end packages not installed (make setup)")
    return response


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [
        ("gzip, deflate, br, zstd", "br", brotli.decompress),
        ("gzip, deflate", "gzip", gzip.decompress),
        ("identity", None, lambda body: body),
    ],
)
def test_libraries_travel_compressed_when_the_browser_accepts_it(app, client, accept, encoding, decode):
    with app.test_request_context():
        from flask import url_for

        url = url_for("vendor.file", package="leaflet", filename="leaflet.js")
    raw = _vendor_or_skip(client, url, headers={"Accept-Encoding": "identity"}).get_data()
    response = client.get(url, headers={"Accept-Encoding": accept})
    assert response.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert decode(response.get_data()) == raw
    if encoding:
        assert len(response.get_data()) < len(raw) / 3
        # The browser asks again with the ETag it was given: nothing is sent twice.
        again = client.get(url, headers={"Accept-Encoding": accept, "If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304 and again.get_data() == b""


def test_pages_are_compressed_only_when_the_request_cannot_have_put_text_in_them(client):
    # BREACH: a page echoing what the request sent, beside the CSRF token, must not be compressed.
    plain = client.get("/login", headers={"Accept-Encoding": "br"})
    assert plain.headers.get("Content-Encoding") == "br"
    echoing = client.get("/login?next=/capture", headers={"Accept-Encoding": "br"})
    assert echoing.status_code == 200 and "Content-Encoding" not in echoing.headers
    posted = client.post(
        "/login", data={"email": "nobody@example.org", "password": "x"}, headers={"Accept-Encoding": "br"}
    )
    assert "Content-Encoding" not in posted.headers


def test_residents_answers_are_compressed_and_still_kept_by_no_cache(staff_client):
    response = staff_client.get("/api/v1/concerns", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_the_ward_outlines_are_fetched_once_per_set(officer_client):
    first = officer_client.get("/api/wards", headers={"Accept-Encoding": "gzip, br"})
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "br"
    assert "no-store" not in first.headers["Cache-Control"]
    again = officer_client.get(
        "/api/wards", headers={"Accept-Encoding": "gzip, br", "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    # A browser that takes no compression revalidates its own copy alike.
    plain = officer_client.get("/api/wards")
    assert officer_client.get("/api/wards", headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304


def test_display_outlines_are_lighter_and_leave_no_gaps_between_neighbours(client):
    full = client.get("/api/wards").get_json()
    display = client.get("/api/wards?resolution=display").get_json()
    assert [f["properties"] for f in display["features"]] == [f["properties"] for f in full["features"]]
    assert display["attribution"] == full["attribution"]
    full_shapes = [shapely.geometry.shape(f["geometry"]) for f in full["features"]]
    shapes = [shapely.geometry.shape(f["geometry"]) for f in display["features"]]
    assert all(s.is_valid and not s.is_empty for s in shapes)
    assert sum(len(shapely.get_coordinates(s)) for s in shapes) < sum(
        len(shapely.get_coordinates(s)) for s in full_shapes
    )
    assert len(client.get("/api/wards?resolution=display").get_data()) < 0.85 * len(client.get("/api/wards").get_data())
    # Shared edges stay shared: the wards still tile the area as the full outlines do.
    union_full, union = shapely.union_all(full_shapes), shapely.union_all(shapes)
    assert abs(union.area - union_full.area) / union_full.area < 0.001
    overlap = sum(
        shapes[i].intersection(shapes[j]).area
        for i in range(len(shapes))
        for j in range(i + 1, len(shapes))
        if shapes[i].intersects(shapes[j])
    )
    assert overlap / union.area < 1e-6
    # No slivers opened between neighbours: the union has no more holes than before.
    holes = lambda g: sum(len(p.interiors) for p in getattr(g, "geoms", [g]))  # noqa: E731
    assert holes(union) <= holes(union_full)


def test_an_unknown_resolution_is_refused_with_a_message(client):
    response = client.get("/api/wards?resolution=tiny")
    assert response.status_code == 400
    assert "resolution 'tiny'" in response.get_json()["error"] and "display" in response.get_json()["error"]


def test_a_kept_file_does_not_vary_with_the_session_cookie(app, officer_client):
    # The session cookie is renewed with every answer: a file that varied by Cookie would
    # be fetched again by a browser that holds it, each time the cookie had changed.
    with app.test_request_context():
        from flask import url_for

        url = url_for("static", filename="js/capture/app.js")
    response = officer_client.get(url)
    assert "Cookie" not in response.headers.get("Vary", "")
    assert "Set-Cookie" not in response.headers
    page = officer_client.get("/capture")
    assert "Cookie" in page.headers["Vary"] and page.headers["Cache-Control"] == "no-store"


def test_scripts_carry_no_document_headers_and_pages_keep_theirs(app, client):
    with app.test_request_context():
        from flask import url_for

        script = client.get(url_for("static", filename="js/capture/app.js"))
        style = client.get(url_for("static", filename="css/engage.css"))
    for response in (script, style):
        assert "Content-Security-Policy" not in response.headers
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = client.get("/login")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    # The worker's script is one the policy applies to: it keeps it.
    assert "Content-Security-Policy" in client.get("/sw.js").headers


def test_a_range_of_a_file_is_sent_as_stored(client):
    whole = client.get("/static/css/engage.css", headers={"Accept-Encoding": "identity"}).get_data()
    part = client.get("/static/css/engage.css", headers={"Range": "bytes=0-99", "Accept-Encoding": "br"})
    assert part.status_code == 206 and "Content-Encoding" not in part.headers
    assert part.get_data() == whole[:100]
