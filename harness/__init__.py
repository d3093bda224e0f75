"""What drives the lab from outside, shared by the tests (tests/) and the benchmarks (bench/).

`app` opens the app through Streamlit's AppTest with a link's query; `serving` starts it on loopback
and holds Chromium's flags; `prose` writes benchmark texts; `hostile` draws hostile links and texts.

Its own package, so neither tests/ nor bench/ imports the other: a benchmark script is not a test
module, and a test's conftest is not a library. Not part of the app either: `attention/` stays the
notebook library and `lab/` the UI, neither imports from here.
"""
