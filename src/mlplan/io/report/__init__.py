"""Reports: HTML, Markdown and JSON renderings of records, and their charts."""
