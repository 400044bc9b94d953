"""Every page names its icon, so browsers do not ask for a /favicon.ico that is not there."""
import re


def test_pages_link_an_icon_that_is_served(client):
    page = client.get("/auth/login").get_data(as_text=True)
    href = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', page).group(1)
    icon = client.get(href)
    assert icon.status_code == 200
    assert icon.mimetype == "image/svg+xml"
    assert icon.get_data(as_text=True).startswith("<svg")
