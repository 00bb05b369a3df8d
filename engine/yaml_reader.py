"""The YAML safe subset with the line of every node kept (PyYAML, LibYAML where built in).

Imported by engine/load.py when a file is first read, so that a check of a cached contract does
not import PyYAML at all.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from engine.errors import ContractFileError, Problem
from engine.load import MAX_DEPTH, LocatedDict, LocatedList

# Scanning and parsing YAML is most of the cost of loading a large contract: LibYAML (C) does it
# about ten times faster than pure Python. Composing stays in Python, so that the checks on
# aliases and depth below see every event with its line.
try:
    from yaml._yaml import CParser as _Parser

    _LIBYAML = True
except ImportError:  # PyYAML built without LibYAML: the same, slower

    class _Parser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)

    _LIBYAML = False


class _Construct(SafeConstructor):
    """Plain data with lines: LocatedDict and LocatedList, keys as written, no duplicate keys."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> LocatedDict:  # type: ignore[override]
        result = LocatedDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            # Keys are taken as written: YAML 1.1 would turn `on:` or `no:` into booleans.
            if not isinstance(key_node, ScalarNode):
                raise yaml.MarkedYAMLError(
                    None, None, "mapping keys must be plain words", key_node.start_mark
                )
            key = str(key_node.value)
            if key in result:
                raise yaml.MarkedYAMLError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_sequence(self, node: SequenceNode, deep: bool = False) -> LocatedList:
        result = LocatedList(self.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result

    def construct_scalar(self, node: ScalarNode) -> Any:  # type: ignore[override]
        return super().construct_scalar(node)


_Construct.add_constructor("tag:yaml.org,2002:map", _Construct.construct_mapping)  # type: ignore[type-var]
_Construct.add_constructor("tag:yaml.org,2002:seq", _Construct.construct_sequence)  # type: ignore[type-var]


def _timestamp_as_text(loader: _Construct, node: ScalarNode) -> str:
    # Dates stay text until validation, so that a bad date is reported with its line.
    return str(loader.construct_scalar(node))


_Construct.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)  # type: ignore[type-var]


class _Loader(Composer, _Parser, _Construct, Resolver):
    """Composes in Python, event by event: every alias and every level of nesting is refused
    with the line where it is written."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            raise yaml.MarkedYAMLError(
                None,
                None,
                "YAML aliases (*name) are not allowed in contract files",
                self._next_mark(),
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise yaml.MarkedYAMLError(
                None,
                None,
                f"nesting deeper than {MAX_DEPTH} levels",
                self._next_mark(),
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def _next_mark(self) -> Any:
        event: Any = self.peek_event()
        return event.start_mark


class _Unusual(Exception):
    """The fast path met something the careful path must judge (and word the error for)."""


class _FastLoader(_Parser, _Construct, Resolver):
    """LibYAML composes the nodes too (three times faster on a large contract); an alias (a
    node reached twice), deep nesting or any error sends the text to `_Loader`, which refuses
    it with the line where it is written."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._depth = 0

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _Unusual  # the same node twice: an alias
        if isinstance(node, ScalarNode):
            return super().construct_object(node, deep)
        self._depth += 1
        if self._depth >= MAX_DEPTH:
            raise _Unusual
        try:
            return super().construct_object(node, deep)
        finally:
            self._depth -= 1


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML text; any problem becomes a ContractFileError naming source and line."""
    if _LIBYAML:
        try:
            fast = _FastLoader(text)
            try:
                return fast.get_single_data()
            finally:
                fast.dispose()
        except Exception:  # bad or unusual input: judged, and reported, by the careful path
            pass
    try:
        loader = _Loader(text)  # the reader checks for unprintable characters here
    except yaml.reader.ReaderError as error:
        raise ContractFileError([_unreadable(error, text, source)]) from None
    except UnicodeEncodeError as error:  # a lone surrogate: text that is not Unicode
        what = f"character #x{ord(text[error.start]):04x} is not valid Unicode"
        raise ContractFileError(
            [Problem(source, text[: error.start].count("\n") + 1, what)]
        ) from None
    try:
        return loader.get_single_data()
    except yaml.reader.ReaderError as error:  # LibYAML reads as it parses
        raise ContractFileError([_unreadable(error, text, source)]) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        what = error.problem or error.context or "malformed YAML"
        if "could not determine a constructor" in what:
            what = "tags such as !!python/... are not allowed: rule files are data, not code"
        elif "maximum nesting depth" in what:  # LibYAML 0.2.5+ stops before our own check
            what = f"nesting deeper than {MAX_DEPTH} levels"
        raise ContractFileError([Problem(source, line, what)]) from None
    except yaml.YAMLError as error:
        raise ContractFileError([Problem(source, None, f"malformed YAML: {error}")]) from None
    except RecursionError:
        raise ContractFileError([Problem(source, None, "nesting too deep")]) from None
    finally:
        loader.dispose()


def _unreadable(error: yaml.reader.ReaderError, text: str, source: str) -> Problem:
    character = error.character if isinstance(error.character, int) else ord(error.character)
    if _LIBYAML:  # LibYAML counts the position in bytes of UTF-8
        before = text.encode("utf-8", "surrogatepass")[: error.position].decode("utf-8", "replace")
    else:
        before = text[: error.position]
    what = f"character #x{character:04x} is not allowed in YAML (control characters)"
    return Problem(source, before.count("\n") + 1, what)
