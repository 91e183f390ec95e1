"""Reports: HTML, Markdown and JSON renderings of records, and their charts.

Importing this package registers the records' notebook display (``_repr_html_``);
templates and charts load on first use.
"""

from mlplan.io.report.notebook import register as _register

_register()
