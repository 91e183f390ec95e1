"""The application layer: one module per command, each opening one context and writing once."""
