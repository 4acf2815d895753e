def test_ward_page_draws_the_ward_and_neighbours_without_the_internet(page, live_server):
    page.goto(f"{live_server.url}/wards/E05009857")
    holder = page.locator("#ward-map")
    holder.wait_for()
    page.locator("#ward-map[data-drawn]").wait_for(state="attached")
    drawn = int(holder.get_attribute("data-drawn"))
    assert drawn >= 5  # Central and its neighbours
    assert page.locator("#ward-map path.leaflet-interactive").count() >= drawn
    assert page.blocked_requests == []


def test_register_links_through_to_a_ward(page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Hartlepool (11)").wait_for()
    page.get_by_role("link", name="Yarm").click()
    page.wait_for_url("**/wards/E05001552")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Yarm")
