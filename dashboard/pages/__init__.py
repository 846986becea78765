"""One module per URL: register_page + layout + thin callbacks, ids prefixed with the page name."""
