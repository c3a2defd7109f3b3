#!/usr/bin/env python3
"""Parse an oir junit.xml with junitparser (the library CI plugins use) and check it.

    python3 -m venv .venv && .venv/bin/pip install junitparser
    .venv/bin/python scripts/junit_check.py reports/junit.xml

Prints suites, tests, failures, errors, skipped, flaky and the properties of the first
suite; exits 1 when the file cannot be parsed or is inconsistent (counts that do not add up,
a testcase without classname, a missing property, a duplicate test), else 0. Not part of
cargo test.
"""
import sys

try:
    from junitparser import JUnitXml, TestSuite, Failure, Error, Skipped
except ImportError:
    sys.exit("junitparser is not installed: pip install junitparser")

REQUIRED_PROPERTIES = ["tool.version", "suite.hash", "schema.hash", "target", "seed"]


def main(path):
    problems = []
    try:
        xml = JUnitXml.fromfile(path)
    except Exception as e:  # noqa: BLE001 - any parse failure is the finding
        print(f"{path}: cannot be parsed: {e}")
        return 1
    suites = [xml] if isinstance(xml, TestSuite) else list(xml)
    totals = dict(tests=0, failures=0, errors=0, skipped=0, flaky=0)
    seen = set()
    for suite in suites:
        counted = dict(tests=0, failures=0, errors=0, skipped=0)
        for case in suite:
            counted["tests"] += 1
            key = (case.classname, case.name)
            if key in seen:
                problems.append(f"duplicate testcase {key}")
            seen.add(key)
            if not case.classname:
                problems.append(f"testcase {case.name!r} has no classname")
            for r in case.result:
                if isinstance(r, Failure):
                    counted["failures"] += 1
                elif isinstance(r, Error):
                    counted["errors"] += 1
                elif isinstance(r, Skipped):
                    counted["skipped"] += 1
            if case._elem.find("flakyFailure") is not None:
                totals["flaky"] += 1
        for k, v in counted.items():
            declared = getattr(suite, k)
            if (declared or 0) != v:
                problems.append(f"suite {suite.name}: {k}={declared} declared, {v} found")
            totals[k] += v
        names = {p.name for p in suite.properties()}
        for p in REQUIRED_PROPERTIES:
            if p not in names:
                problems.append(f"suite {suite.name}: property {p} missing")
    print(f"{path}: {len(suites)} suites, {totals['tests']} tests, {totals['failures']} failures, "
          f"{totals['errors']} errors, {totals['skipped']} skipped, {totals['flaky']} flaky")
    if suites:
        for p in suites[0].properties():
            print(f"  {p.name} = {p.value}")
    for p in problems:
        print(f"PROBLEM: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: junit_check.py JUNIT_XML")
    sys.exit(main(sys.argv[1]))
