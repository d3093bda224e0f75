"""The Lessons page's script (st.navigation in app.py runs it): the list, or one lesson at a step."""

from lab.lessons import page

page.render()
