"""kg's one error tree: every exception class lives in kg.errors, is a KGError, says what
it is in one line and carries the HTTP status the server answers with."""

from __future__ import annotations

import ast
import inspect
import pickle
from pathlib import Path

import pytest

from kg import errors

ROOT = Path(__file__).resolve().parent.parent


def _error_classes() -> list[type[errors.KGError]]:
    return [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, BaseException)]


def test_every_exception_class_is_in_kg_errors() -> None:
    outside = []
    for path in ROOT.joinpath("kg").rglob("*.py"):
        if path.name == "errors.py" and path.parent.name == "kg":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
                if bases & {"Exception", "BaseException", *(c.__name__ for c in _error_classes())}:
                    outside.append(f"{path.relative_to(ROOT)}: {node.name}")
    assert outside == []


def test_the_tree() -> None:
    classes = _error_classes()
    assert set(errors.__all__) == {c.__name__ for c in classes}
    for cls in classes:
        assert issubclass(cls, errors.KGError), cls
        doc = (cls.__doc__ or "").strip()
        assert doc and "\n" not in doc, f"{cls.__name__} needs a one-line docstring"
        assert 400 <= cls.http_status < 600, cls


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (errors.NotFound("topic", "x"), 404),
        (errors.UsageError("x"), 400),
        (errors.QueryRefused("SERVICE is not allowed"), 400),
        (errors.UpdateRefused("INSERT is an update"), 403),
        (errors.NotAcceptable("x"), 406),
        (errors.RequestTooLarge("x"), 413),
        (errors.UnsupportedMediaType("x"), 415),
        (errors.EndpointError("x"), 502),
        (errors.Overloaded("x"), 503),
        (errors.QueryTimeout("x"), 503),
        (errors.DataError("x", "a.yaml", 3), 500),
    ],
)
def test_status_follows_the_class(exc: errors.KGError, status: int) -> None:
    assert exc.http_status == status


def test_errors_cross_process_boundaries() -> None:
    """The server's query workers send errors back pickled; the class and the message
    (with file and line) must survive."""
    import pickle

    for exc in (
        errors.DataError("bad", "a.yaml", 3),
        errors.CycleError(["a", "b"], "t.yaml", 2),
        errors.NotFound("topic", "x", ["y"]),
        errors.UpdateRefused("DROP is an update"),
    ):
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is type(exc) and str(back) == str(exc)
