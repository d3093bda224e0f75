"""What both the tests and the benchmarks use lives in harness/: neither tests/ nor bench/ imports the other."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_packages(path: Path) -> set[str]:
    """The top-level names a module imports (absolute imports only)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def importers(folder: str, package: str) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in sorted((ROOT / folder).rglob("*.py")) if package in imported_packages(p)]


def test_bench_and_tests_do_not_import_each_other():
    assert importers("bench", "tests") == []
    assert importers("tests", "bench") == []
    assert importers("harness", "tests") == [] and importers("harness", "bench") == []


def test_the_app_and_the_library_never_import_the_harness():
    assert importers("attention", "harness") == [] and importers("lab", "harness") == []
    assert "harness" not in imported_packages(ROOT / "app.py")


def test_the_check_sees_an_import():
    assert imported_packages(Path(__file__)) == {"ast", "pathlib"}
    assert "harness" in imported_packages(ROOT / "tests" / "test_fuzz.py")
