"""No import cycles among Kanal's modules, at any length.

import-linter's ``acyclic_siblings`` contract (``make lint``) keeps the *parts* of
``syndication`` and ``themes`` free of cycles; this test checks the whole module graph of all
three apps, module by module, with grimp (import-linter's own graph builder): every strongly
connected component (Tarjan) must be a single module. A premise test makes sure the detector
does find a cycle when there is one.
"""

from __future__ import annotations

import grimp
import pytest

APPS = ("themes", "cms", "syndication")


def strongly_connected(nodes, edges_of) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the graph is a few hundred modules deep at most)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(edges_of(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges_of(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def cycles(nodes, edges_of) -> list[list[str]]:
    return [c for c in strongly_connected(nodes, edges_of) if len(c) > 1]


def test_the_detector_finds_a_cycle_and_passes_a_tree():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph, graph.__getitem__) == [["a", "b", "c"]]
    tree = {"a": {"b", "c"}, "b": {"c"}, "c": set()}
    assert cycles(tree, tree.__getitem__) == []


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph(*APPS, cache_dir=None)


def test_the_graph_holds_every_app(graph):
    # Premise: the graph was built from the real packages (a few hundred modules, real edges).
    assert {"cms.representation.pages", "syndication.dispatch", "themes.models"} <= graph.modules
    assert "cms.representation.pages" in graph.find_modules_directly_imported_by("cms.events.payload")


def test_no_import_cycle_among_the_projects_modules(graph):
    project = {m for m in graph.modules if m.split(".")[0] in APPS}

    def edges_of(module):
        return graph.find_modules_directly_imported_by(module) & project

    found = cycles(project, edges_of)
    assert found == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in found)
