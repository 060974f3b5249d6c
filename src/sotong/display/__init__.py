"""The wall display's own logic: branding colours, the agenda and its importers, announcements,
named screens and their presence. Pure modules here; storage lives in `sotong.store`."""
