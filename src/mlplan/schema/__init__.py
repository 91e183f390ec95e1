"""The typed specification of plans and ideas files (pydantic models; no I/O)."""
