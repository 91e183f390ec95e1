"""The core: pure records and engines, no I/O."""
