"""The JSON API (/api): the phone and other clients, by session or bearer token. `blueprint`
holds the blueprint and its CSRF rule; each module adds its routes; create_app imports them."""
