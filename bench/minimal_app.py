"""The floor: the least a Streamlit page with one slider and one 10-bar Altair chart can cost.

bench/latency.py measures this app and the lab side by side in the same run; the lab's numbers are
reported as ratios against this one.
"""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

st.title("Floor: one slider, one chart")
shift = st.slider("Shift", 0, 100, 50)
values = np.abs(np.sin(np.arange(10) + shift / 10))
frame = pd.DataFrame({"word": [f"word {i}" for i in range(10)], "probability": values / values.sum()})
chart = (
    alt.Chart(frame)
    .mark_bar()
    .encode(x=alt.X("probability:Q", title="probability of being the next word"), y=alt.Y("word:N", sort="-x"))
    .properties(height=300)
)
st.altair_chart(chart, width="stretch")
