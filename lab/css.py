"""The lab's own style sheets, in a module of their own: app.py draws them before it imports the charts."""

from __future__ import annotations

from .controls import CLICKER_TWINS

PAGE_CSS = """
<style>
  .block-container { padding-top: 3.5rem !important; }
  h1 { padding-top: 0 !important; }
  @media (max-width: 640px) { h1 { font-size: 1.9rem !important; } }
</style>
"""  # the first screen of a laptop shows the prompt, the strip and the next-word chart: less space above the title
# (st.html puts a style sheet alone in no element, so no 1rem gap above the first one: the paddings include it)

PRESENTATION_CSS = f"""
<style>
  .stApp, .stMarkdown p, .stCaption, label p, button p {{ font-size: 1.3rem !important; }}
  [data-testid="stButtonGroup"] button p {{ font-size: 0.95rem !important; }}
  [data-testid="stButtonGroup"] button {{ padding: 0.25rem 0.6rem !important; }}
  .stMarkdown p .stMarkdownColoredText > span {{ font-size: inherit !important; }}
  h3 {{ font-size: 1.7rem !important; }}
  [data-testid="stTable"] :is(th, td) {{ font-size: 1.1rem !important; }}
  .block-container {{ max-width: 100% !important; padding: 4rem 2rem 1rem !important; }}
  .st-key-{CLICKER_TWINS} {{ display: none; }}
</style>
"""  # presentation mode: larger type, less chrome, so the strip, the chart and Next fit one screen
