"""A real nbgrader course, end to end, in a temporary folder (make test-nbgrader).

Run with the Python of the nbgrader environment (.venv-nbgrader, not the pinned .venv):

    .venv-nbgrader/bin/python -m tools.nbgrader_run

For every notebook with exercises it makes an assignment (nb01 … nb10) in a fresh course
directory, runs ``nbgrader generate_assignment`` with metadata enforced, then ``autograde`` on
two submissions — "blank" (the release as a student gets it) and "solved" (the release with the
source's solution cells pasted back) — and ``generate_feedback``.  It asserts, part by part,
0 points for blank and full points for solved, that ``nbgrader validate`` fails on the blank
release and succeeds on the solved one, and prints a table of the grades.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
COURSE = "gradcheck"
BIN = Path(sys.executable).parent


def nbgrader(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}  # nbgrader runs `alembic`
    result = subprocess.run([str(BIN / "nbgrader"), *args], cwd=cwd, capture_output=True, text=True, env=env)
    if check and result.returncode != 0:
        raise SystemExit(f"nbgrader {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def assignments() -> dict[str, Path]:
    """nbNN -> notebook path, for every notebook with an nbgrader grade cell."""
    out = {}
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        if any(c.metadata.get("nbgrader", {}).get("grade") for c in notebook.cells):
            out[f"nb{path.name[:2]}"] = path
    return out


def solved_copy(release: Path, source: Path, target: Path) -> None:
    """The release notebook with every solution cell's source replaced by the source notebook's."""
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source
               for c in nbformat.read(source, as_version=4).cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    notebook = nbformat.read(release, as_version=4)
    for cell in notebook.cells:
        info = cell.metadata.get("nbgrader", {})
        if info.get("solution"):
            cell.source = answers[info["grade_id"]]
    nbformat.write(notebook, target)


def grades(course: Path) -> dict:
    """(assignment, student) -> {grade_id: (score, max_score)} from the gradebook."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                scores = {}
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        scores[grade.name] = (float(grade.score), float(grade.max_score))
                out[(assignment.name, submission.student_id)] = scores
    return out


def main() -> int:
    found = assignments()
    if len(found) < 10:
        raise SystemExit(f"only {len(found)} notebooks carry nbgrader grade cells: {sorted(found)}")
    with tempfile.TemporaryDirectory(prefix="gradcheck-course-") as tmp:
        course = Path(tmp)
        (course / "nbgrader_config.py").write_text(
            "c = get_config()\n"
            f"c.CourseDirectory.course_id = {COURSE!r}\n"
            "c.ClearSolutions.enforce_metadata = True\n"
            "c.ExecutePreprocessor.timeout = 600\n")
        for assignment, path in found.items():
            (course / "source" / assignment).mkdir(parents=True)
            shutil.copy(path, course / "source" / assignment / path.name)
            nbgrader("generate_assignment", assignment, "--create", "--force", cwd=course)
            release = course / "release" / assignment / path.name
            for student in ("blank", "solved"):
                target = course / "submitted" / student / assignment
                target.mkdir(parents=True)
                if student == "blank":
                    shutil.copy(release, target / path.name)
                else:
                    solved_copy(release, path, target / path.name)
                (target / "timestamp.txt").write_text("2026-11-25 12:00:00.000000 UTC")
            blank_check = nbgrader("validate", str(course / "submitted" / "blank" / assignment / path.name),
                                   cwd=course, check=False)
            solved_check = nbgrader("validate", str(course / "submitted" / "solved" / assignment / path.name),
                                    cwd=course, check=False)
            if "Success!" in blank_check.stdout or "Success!" not in solved_check.stdout:
                raise SystemExit(f"{assignment}: nbgrader validate should fail on blank and succeed on solved:\n"
                                 f"blank: {blank_check.stdout[-500:]}\nsolved: {solved_check.stdout[-500:]}")
            nbgrader("autograde", assignment, "--create", "--force", cwd=course)
            nbgrader("generate_feedback", assignment, "--force", cwd=course)
            for student in ("blank", "solved"):
                feedback = course / "feedback" / student / assignment / path.with_suffix(".html").name
                if not feedback.exists():
                    raise SystemExit(f"no feedback for {student} in {assignment}: {feedback}")
        table = grades(course)
    return report(found, table)


def report(found: dict, table: dict) -> int:
    print(f"{'assignment':<11} {'grade_id':<34} {'points':>6} {'blank':>6} {'solved':>6}")
    problems, total = [], {"blank": 0.0, "solved": 0.0, "max": 0.0}
    for assignment in found:
        blank, solved = table[(assignment, "blank")], table[(assignment, "solved")]
        for grade_id, (score, max_score) in sorted(solved.items()):
            b = blank[grade_id][0]
            print(f"{assignment:<11} {grade_id:<34} {max_score:>6.0f} {b:>6.0f} {score:>6.0f}")
            total["blank"] += b
            total["solved"] += score
            total["max"] += max_score
            if b != 0 or score != max_score:
                problems.append(f"{assignment}/{grade_id}: blank {b}, solved {score} of {max_score}")
    print(f"{'total':<11} {sum(len(table[(a, 'solved')]) for a in found):<34} "
          f"{total['max']:>6.0f} {total['blank']:>6.0f} {total['solved']:>6.0f}")
    print(json.dumps({"blank": total["blank"], "solved": total["solved"], "max": total["max"]}))
    if problems:
        print("NOT AS EXPECTED:\n  " + "\n  ".join(problems))
        return 1
    print("nbgrader: blank release 0 points, solutions pasted back full points, in every part; "
          "validate fails on blank and succeeds on solved; feedback generated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
