"""The core: pure records and engines (metrics, ladder, forecast, advice, gate, expressions); no I/O."""
