"""The package supports Python 3.9 (pyproject.toml) while the suite runs with whatever python3 the machine has: a
static check of what a newer interpreter accepts and 3.9 does not."""

from __future__ import annotations

import ast
import unittest
from pathlib import Path
from typing import List

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "tracelane"


def _annotations(tree: ast.AST) -> List[ast.expr]:
    found: List[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = node.args
            every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
            every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
            found += [a.annotation for a in every if a.annotation is not None]
            if node.returns is not None:
                found.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            found.append(node.annotation)
    return found


class Python39Test(unittest.TestCase):
    def test_the_package_parses_as_python_3_9(self) -> None:
        files = sorted(PACKAGE.glob("*.py"))
        self.assertGreater(len(files), 5)
        for path in files:
            with self.subTest(path.name):
                ast.parse(path.read_text("utf-8"), str(path), feature_version=(3, 9))  # no match, no except*

    def test_annotations_evaluate_on_python_3_9(self) -> None:
        """``X | Y`` (3.10) in an annotation parses under ``from __future__ import annotations``, but
        ``typing.get_type_hints`` (dataclass tools, documentation generators) fails on it with 3.9."""
        for path in sorted(PACKAGE.glob("*.py")):
            tree = ast.parse(path.read_text("utf-8"))
            for annotation in _annotations(tree):
                text = annotation.value if isinstance(annotation, ast.Constant) else None
                expression = ast.parse(text, mode="eval").body if isinstance(text, str) else annotation
                unions = [
                    n for n in ast.walk(expression) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.BitOr)
                ]
                self.assertEqual(unions, [], f"{path.name}:{annotation.lineno}: use Optional/Union (Python 3.9)")


if __name__ == "__main__":
    unittest.main()
