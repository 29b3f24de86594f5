"""helpers.gradcheck.report, the text and HTML a learner reads, checked line by line: the mutation
run (make mutation; tests/README.md) showed the layout and the numbers of the verdict untested.
The reports are built by hand, so every number here is fixed by the test, not by round-off."""

import numpy as np
import pytest

from helpers.gradcheck import GradCheckReport, Mismatch, TensorSummary

NAN = float("nan")


def report(status, kinks=(), reasons=(), eps=1e-6, sample=7, max_shown=2):
    failed = status == "failed"
    tensors = [TensorSummary("W1", (6, 10), 0.25, 60, 12 if failed else 0, 1, "failed" if failed else "passed", 1e-6),
               TensorSummary("b1", (3,), 1e-12, 3, 0, 0, "passed", 1e-6),
               TensorSummary("c", (1,), NAN, 1, 0, 1, "kink", 1e-6)]
    mismatches = [Mismatch("W1", (0, 1), 1.5, 2.0, 0.25), Mismatch("W1", (1, 2), -3.0, -2.5, 1 / 6),
                  Mismatch("W1", (1, 0), 1.0, 1.1, 0.0909)] if failed else []
    return GradCheckReport(
        status=status, difference=0.125, max_relative_error=0.25 if failed else 1e-12,
        failing_params=["W1"] if failed else [], mismatches=mismatches, kinks=list(kinks), tensors=tensors,
        numeric={}, relative_errors={}, tolerances={}, eps=eps, method="central", tol=1e-6, sample=sample,
        max_shown=max_shown, reasons=list(reasons))


THREE_KINKS = [("W1", (0, 0)), ("b1", (2,)), ("c", (0,))]


def test_failed_report_text():
    assert str(report("failed", kinks=THREE_KINKS)).splitlines() == [
        "gradient check: central differences, eps = 1.0e-06, rtol = 1.0e-06, sampled: at most 7 elements per tensor",
        "tensor  shape    max rel. error  disagree/checked  verdict",
        "W1      (6, 10)        2.50e-01             12/60  failed",
        "b1      (3,)        within tol.              0/3   passed",
        "c       (1,)                n/a              0/1   kink",
        "worst 2 of 3 disagreeing elements:",
        "  element      analytic      numeric  rel. error",
        "  W1[0, 1]   1.5000e+00   2.0000e+00    2.50e-01",
        "  W1[1, 2]  -3.0000e+00  -2.5000e+00    1.67e-01",
        "kinks — not judged (the loss is not smooth within ±eps/4): W1[0, 0], b1[2], … (3 in all)",
        "FAILED: 3 of 64 elements disagree, in W1 (3 kinks not judged); difference 1.25e-01, max rel. error 2.50e-01",
    ]


def test_failed_report_html():
    page = report("failed", kinks=THREE_KINKS)._repr_html_()
    parts = page.split("\n")
    assert parts[0] == ("<p>gradient check: central differences, eps = 1.0e-06, rtol = 1.0e-06, "
                        "sampled: at most 7 elements per tensor</p>")
    assert parts[1].startswith("<table><thead><tr><th style='text-align:left'>tensor</th>"
                               "<th style='text-align:left'>shape</th><th style='text-align:right'>max rel. error</th>"
                               "<th style='text-align:right'>disagree/checked</th><th "
                               "style='text-align:left'>verdict</th>"
                               "</tr></thead><tbody><tr><td style='text-align:left'>W1</td>")
    assert ("<td style='text-align:right'>12/60</td><td style='text-align:left'>failed</td></tr>"
            "<tr><td style='text-align:left'>b1</td>") in parts[1]
    assert parts[1].endswith("</tr></tbody></table>")
    assert parts[2] == "<p>worst 2 of 3 disagreeing elements:</p>"
    assert parts[3].startswith("<table><thead><tr><th style='text-align:left'>element</th>"
                               "<th style='text-align:right'>analytic</th><th style='text-align:right'>numeric</th>"
                               "<th style='text-align:right'>rel. error</th></tr>")
    assert "<td style='text-align:left'>W1[0, 1]</td><td style='text-align:right'>1.5000e+00</td>" in parts[3]
    assert parts[4] == "<p>kinks — not judged (the loss is not smooth within ±eps/4): W1[0, 0], b1[2], … (3 in all)</p>"
    assert parts[5] == ("<p style='color:red'><b>FAILED: 3 of 64 elements disagree, in W1 (3 kinks not judged); "
                        "difference 1.25e-01, max rel. error 2.50e-01</b></p>")
    assert len(parts) == 6


def test_inconclusive_report_text_and_html():
    r = report("inconclusive", kinks=THREE_KINKS[:2], reasons=["a step too large", "round-off"], eps=None, sample=None)
    lines = str(r).splitlines()
    assert lines[0] == "gradient check: central differences, default step, rtol = 1.0e-06"
    assert lines[-4:] == [
        "kinks — not judged (the loss is not smooth within ±eps/4): W1[0, 0], b1[2]",
        "INCONCLUSIVE: no judged element disagrees, but the check could not judge everything (2 kinks not judged):",
        "  - a step too large",
        "  - round-off",
    ]
    page = r._repr_html_()
    assert "<p>kinks — not judged (the loss is not smooth within ±eps/4): W1[0, 0], b1[2]</p>\n" in page
    assert page.endswith("<p style='color:darkorange'><b>INCONCLUSIVE: no judged element disagrees, but the check "
                         "could not judge everything (2 kinks not judged):<br>  - a step too large<br>  - "
                         "round-off</b></p>")


def test_passed_report_counts_the_judged_elements():
    r = report("passed", kinks=THREE_KINKS[:1])
    assert r.verdict() == "PASSED: all 63 judged elements agree within the tolerance (1 kink not judged)"
    assert "worst" not in str(r) and r._repr_html_().endswith(
        "<p style='color:green'><b>PASSED: all 63 judged elements agree within the tolerance (1 kink not "
        "judged)</b></p>")
    assert "kinks —" not in report("passed")._repr_html_()


def test_unknown_status_is_refused():
    with pytest.raises(ValueError, match="status must be one of"):
        report("maybe")
    assert np.isnan(report("passed").tensors[2].max_relative_error)


def test_a_table_row_with_more_cells_than_the_header_is_refused():
    # a cell must not be dropped silently.  kills: zip(…, strict=True) over a row's cells → strict None/False
    from helpers.gradcheck.report import html_table, text_table

    assert text_table(["a", "b"], [["1", "22"]], right={1}) == ["a   b", "1  22"]
    with pytest.raises(ValueError):
        text_table(["a"], [["1", "2"]], right=set())
    with pytest.raises(ValueError):
        html_table(["a"], [["1", "2"]], right=set())
