"""The application layer: one module per command, each opening one context and writing once.

Importing it registers the records' notebook display (:mod:`mlplan.io.report`), so
every record a command returns shows as HTML in Jupyter.
"""

import mlplan.io.report  # noqa: F401  (registers the records' _repr_html_ renderers)
