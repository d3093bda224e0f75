"""The Streamlit UI of the lab: widgets and layout only; every number comes from `attention/`.

`state` holds the settings table and the session's state, `controls` the widgets built from it,
`render` the helpers every view shares, `training` the shared trained models, `views/` one module
per tab, and `page` puts them together.
"""
