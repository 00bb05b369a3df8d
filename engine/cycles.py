"""Cycles of a directed graph, one per strongly connected part, in a deterministic order.

Used by validate for `overrides:`: in a cycle of overrides each norm sets the next aside, so
on a move they all apply to every one of them is silenced; such a contract must not load. A
strongly connected part (Tarjan, iterative so a long chain cannot exhaust the stack) holds every
cycle through its nodes; one cycle of it is reported, the shortest through its earliest node,
so that the same graph always gives the same words. Linear in nodes and edges.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence


def cycles(order: Sequence[str], edges: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """One cycle per strongly connected part of more than one node, each starting at the
    part's earliest node in `order`, the parts ordered by that node. A cycle is its nodes in
    the direction of the edges, the first not repeated at the end."""
    rank = {node: i for i, node in enumerate(order)}
    out: list[list[str]] = []
    for part in _strongly_connected(order, edges):
        if len(part) < 2:
            continue
        start = min(part, key=rank.__getitem__)
        out.append(_shortest_cycle(start, part, edges))
    return sorted(out, key=lambda c: rank[c[0]])


def _strongly_connected(order: Sequence[str], edges: Mapping[str, Sequence[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components, without recursion."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    parts: list[set[str]] = []
    for root in order:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, next_edge = work.pop()
            if next_edge == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, ())
            for i in range(next_edge, len(targets)):
                target = targets[i]
                if target not in index:
                    work.append((node, i + 1))  # come back to the next edge after it
                    work.append((target, 0))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                if low[node] == index[node]:
                    part: set[str] = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        part.add(member)
                        if member == node:
                            break
                    parts.append(part)
                if work:  # back in the caller: its low takes this node's
                    caller = work[-1][0]
                    low[caller] = min(low[caller], low[node])
    return parts


def _shortest_cycle(start: str, part: set[str], edges: Mapping[str, Sequence[str]]) -> list[str]:
    """The shortest path from `start` back to it inside `part`, edges taken in their order."""
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target in edges.get(node, ()):
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return path[::-1]
            if target in part and target not in came_from:
                came_from[target] = node
                queue.append(target)
    raise AssertionError(f"{start} is in a strongly connected part yet on no cycle")
