"""All wording lives in src/analysis/text/{nl,en}.yml: both languages say the same things.

Both files have the same sections and keys (recursively) and every text the same placeholders,
so code that fills in ``{n}`` finds it in either language. Every key the library reads with a
literal section and key (``words(lang, "interviews")["title"]``, ``t = wording("report")``
then ``t["title"]``) exists in both files. The report template's ``t.key`` too.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path
from typing import Any

import pytest
import yaml

from analysis.errors import StudyConfigError
from analysis.text import LANGUAGES, words

SRC = Path(__file__).resolve().parents[1] / "src" / "analysis"
TEXT = SRC / "text"


def _load(lang: str) -> dict[str, Any]:
    return yaml.safe_load((TEXT / f"{lang}.yml").read_text(encoding="utf-8"))


def _leaves(tree: dict[str, Any], path: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    out: dict[tuple[str, ...], Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out.update(_leaves(value, (*path, str(key))))
        else:
            out[(*path, str(key))] = value
    return out


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _show(path: tuple[str, ...]) -> str:
    return ".".join(path)


def test_every_language_has_a_file():
    assert sorted(p.stem for p in TEXT.glob("*.yml")) == sorted(LANGUAGES)


def test_same_sections_and_keys():
    nl, en = _leaves(_load("nl")), _leaves(_load("en"))
    assert sorted(_show(k) for k in nl.keys() - en.keys()) == [], "in nl.yml, not in en.yml"
    assert sorted(_show(k) for k in en.keys() - nl.keys()) == [], "in en.yml, not in nl.yml"
    assert set(_load("nl")) == set(_load("en"))


def test_every_text_is_a_non_empty_string():
    for lang in LANGUAGES:
        for path, value in _leaves(_load(lang)).items():
            assert isinstance(value, str) and value, f"{lang}.yml {_show(path)}: {value!r}"


def test_same_placeholders_in_both_languages():
    nl, en = _leaves(_load("nl")), _leaves(_load("en"))
    differ = {
        _show(k): (sorted(_placeholders(nl[k])), sorted(_placeholders(en[k])))
        for k in nl.keys() & en.keys()
        if _placeholders(nl[k]) != _placeholders(en[k])
    }
    assert differ == {}


def test_unknown_language_raises():
    with pytest.raises(StudyConfigError, match="'de'"):
        words("de", "report")


def test_words_of_each_section():
    for lang in LANGUAGES:
        for section in _load(lang):
            assert words(lang, section) == _load(lang)[section]


# -- the keys the library reads exist ------------------------------------------------------------
#: Calls that return a section (or a part of one): name -> how its literal arguments give the path.
#: ``words(lang, "section")``; ``wording("part")`` (analysis.validate.checks: the validation
#: report); ``text(lang, "part")`` (analysis.disclosure._text, default part "table");
#: ``texts(lang)`` (analysis.report.i18n: the report section).
def _call_path(call: ast.Call) -> tuple[str, ...] | None:
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)
    args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in call.args]
    if name == "words" and len(args) == 2 and args[1] is not None:
        return (args[1],)
    if name == "wording" and len(args) == 1 and args[0] is not None:
        return ("validation", args[0])
    if name == "text" and len(args) == 1:
        return ("disclosure", "table")
    if name == "text" and len(args) == 2 and args[1] is not None:
        return ("disclosure", args[1])
    if name == "texts" and len(args) == 1:
        return ("report",)
    return None


def _literal_keys(node: ast.expr) -> list[str]:
    """The string keys a subscript can take: a constant, or both branches of a conditional."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literal_keys(node.body) + _literal_keys(node.orelse)
    return []


class _Uses(ast.NodeVisitor):
    """Every (path, key) read with a literal key from a section, per module."""

    def __init__(self) -> None:
        self.scopes: list[dict[str, tuple[str, ...]]] = [{}]
        self.found: list[tuple[tuple[str, ...], int]] = []

    def path_of(self, node: ast.expr) -> tuple[str, ...] | None:
        if isinstance(node, ast.Call):
            return _call_path(node)
        if isinstance(node, ast.Name):
            for scope in reversed(self.scopes):
                if node.id in scope:
                    return scope[node.id]
        if isinstance(node, ast.Subscript):
            base = self.path_of(node.value)
            keys = _literal_keys(node.slice)
            if base is not None and len(keys) == 1:
                return (*base, keys[0])
        return None

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scopes.append({})
        self.generic_visit(node)
        self.scopes.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit(node)
        targets, values = node.targets[0], node.value
        pairs = (
            zip(targets.elts, values.elts, strict=False)
            if isinstance(targets, ast.Tuple) and isinstance(values, ast.Tuple)
            else [(targets, values)]
        )
        for target, value in pairs:
            if isinstance(target, ast.Name):
                path = self.path_of(value)
                if path is not None:
                    self.scopes[-1][target.id] = path
                else:
                    self.scopes[-1].pop(target.id, None)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        self.generic_visit(node)
        base = self.path_of(node.value)
        if base is not None:
            for key in _literal_keys(node.slice):
                self.found.append(((*base, key), node.lineno))


def _library_uses() -> list[tuple[str, tuple[str, ...]]]:
    uses = []
    for path in sorted(SRC.rglob("*.py")):
        if "example" in path.relative_to(SRC).parts:
            continue
        visitor = _Uses()
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        rel = path.relative_to(SRC.parent).as_posix()
        uses += [(f"{rel}:{line}", key) for key, line in visitor.found]
    template = (SRC / "report" / "templates" / "report.html.j2").read_text(encoding="utf-8")
    uses += [("report.html.j2", ("report", m)) for m in re.findall(r"\bt\.(\w+)", template)]
    return uses


def _lookup(tree: dict[str, Any], path: tuple[str, ...]) -> bool:
    node: Any = tree
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def test_the_walker_sees_the_library_reading_words():
    sections = {key[0] for _, key in _library_uses()}
    assert {"report", "collaboration", "interviews", "response", "disclosure", "municipality"} <= sections
    assert {"codebook", "validation"} <= sections
    assert len(_library_uses()) > 100


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_the_library_reads_exists(lang):
    tree = _load(lang)
    missing = sorted({f"{where}: {_show(key)}" for where, key in _library_uses() if not _lookup(tree, key)})
    assert missing == [], f"keys read in src/analysis but not in {lang}.yml"


def test_no_wording_left_in_dicts_keyed_by_language():
    """A dict literal with both "nl" and "en" keys is wording that belongs in text/*.yml."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if "example" in path.relative_to(SRC).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                if {"nl", "en"} <= keys:
                    offenders.append(f"{path.relative_to(SRC.parent)}:{node.lineno}")
    assert offenders == []


@pytest.mark.parametrize(
    ("label", "in_text"),
    [
        ("Type respondent", "type respondent"),
        ("Kant van de samenwerking", "kant van de samenwerking"),
        ("GGD-regio", "GGD-regio"),  # an acronym
        ("Veilig Thuis", "Veilig Thuis"),  # a name of two words
        ("Gemeente Den Haag", "Gemeente Den Haag"),
        ("Rijbewijs B", "Rijbewijs B"),
        ("Q12 score", "Q12 score"),  # a question code
        ("iPad-gebruik", "iPad-gebruik"),
    ],
)
def test_a_label_in_a_sentence_keeps_the_capitals_of_names(label, in_text):
    from analysis.labels import in_sentence

    assert in_sentence(label) == in_text
