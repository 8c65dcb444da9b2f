"""The shared rendering cases (clients/render-cases.json), which the TypeScript implementation passes too."""

from __future__ import annotations

import json
import unittest
from pathlib import Path

from tracelane import MissingVariablesError
from tracelane.render import check_variables, render_prompt

CASES = json.loads((Path(__file__).resolve().parents[2] / "render-cases.json").read_text("utf-8"))


class RenderCases(unittest.TestCase):
    def test_render_cases(self) -> None:
        for case in CASES["cases"]:
            with self.subTest(case["name"]):
                template = case["template"]
                render = lambda: render_prompt(template["messages"], template["variables"], case["values"])
                if "error" in case:
                    with self.assertRaises(MissingVariablesError) as raised:
                        render()
                    self.assertEqual(raised.exception.variables, case["error"])
                    self.assertIn(case["error"][0], str(raised.exception))
                else:
                    rendered = render()
                    self.assertEqual(rendered.messages, case["expected"]["messages"])
                    self.assertEqual(rendered.unused_values, case["expected"]["unusedValues"])

    def test_check_cases(self) -> None:
        for case in CASES["checks"]:
            with self.subTest(case["name"]):
                check = check_variables(case["template"]["messages"], case["template"]["variables"])
                expected = case["expected"]
                self.assertEqual(check.undeclared, expected["undeclared"])
                self.assertEqual(check.unused_required, expected["unusedRequired"])
                self.assertEqual(check.unused, expected["unused"])

    def test_values_that_are_not_json_are_refused_naming_the_variable(self) -> None:
        with self.assertRaisesRegex(TypeError, r"variables\.when: a object is not a JSON value"):
            render_prompt([{"role": "user", "content": "{{when}}"}], ["when"], {"when": object()})


if __name__ == "__main__":
    unittest.main()
