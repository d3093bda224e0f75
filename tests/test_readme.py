"""The README's commands and notebook example are what the project really does."""

import re
from pathlib import Path

import altair as alt

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_readme_has_exactly_the_two_commands():
    commands = re.findall(r"```bash\n(.*?)\n```", README, flags=re.S)
    assert commands == [
        "pip install -r requirements.txt && streamlit run app.py",
        "pip install -r requirements-dev.txt && pytest",
    ]


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "pip install -r requirements-dev.txt && pytest" in ci


def test_notebook_example_runs_as_written():
    section = README.split("## Use it in a notebook", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)
    *body, last = code.strip().splitlines()
    namespace = {}
    exec("\n".join(body), namespace)
    chart = eval(last.split("  #")[0], namespace)
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert rows[0]["word"] == "tree"  # the model trained in the example predicts the rhyme
