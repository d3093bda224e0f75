"""One lesson's page script (st.navigation in app.py runs it): ?lesson=<slug>&step=<n>."""

from lab.lessons import page

page.render_lesson()
