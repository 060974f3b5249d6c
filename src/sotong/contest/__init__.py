"""The creativity contest: eligibility, judging, the verifiable draw, the reveal, prizes and claims.

The modules here are pure (no I/O) except `runtime`, which holds the keys and the claim-deletion
job; the database side lives in `sotong.store.contest*`.
"""
