"""Images: validation and renditions (process), a worker pool, storage, and safe remote fetching."""
