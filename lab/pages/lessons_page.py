"""The Lessons page's script (st.navigation in app.py runs it): every lesson with its promise and length."""

from lab.lessons import page

page.lesson_list()
