"""Live delivery: the bus that carries new events and the hub that fans them out to screens."""
