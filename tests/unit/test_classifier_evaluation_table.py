"""The evaluation table says "met" only when a figure really reaches its bar."""

from __future__ import annotations

from classifier.evaluation import Row, format_comparison, format_table, shown


def row(value: float, bar: float | None = 85) -> Row:
    return Row("complaints", 690, 82.456, "macro-F1", value, "LR floor 81.4", bar)


def test_a_miss_is_never_rounded_up_to_the_bar():
    assert row(84.96).met == "no" and shown(84.96, 85) == "84.96"
    assert row(85.0).met == "yes" and shown(85.0, 85) == "85.0"
    assert shown(84.96, None) == "85.0"  # no bar, nothing to mislead about


def test_tables_show_the_figures_and_the_verdicts():
    table = format_table([row(84.96), row(86.04)])
    assert "| complaints | 690 | 82.5 | macro-F1 | 84.96 | LR floor 81.4 | 85 | no |" in table
    assert "| 86.0 | LR floor 81.4 | 85 | yes |" in table
    comparison = format_comparison([row(80.9)], [row(84.96)])
    assert "| 80.9 | 84.96 | 85 | no | yes |" in comparison
