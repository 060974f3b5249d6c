"""HTTP: the JSON API, the live stream and the pages."""
