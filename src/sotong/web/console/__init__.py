"""The admin console: server-rendered pages under /admin/, behind a login."""
