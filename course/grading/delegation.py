"""An answer that only delegates to the course's reference implementation scores zero.

The course ships working versions of most functions its exercises ask for (``course.metrics``
has ``ndcg_at_k``, ``course.interventions`` has ``mmr_rerank``...): the notebooks use them after
the exercise. :data:`REFERENCES` lists, per notebook and exercise, the course objects an answer
must not hand the work to. The grader reads the submitted notebook itself (never trusting the
student's kernel) and, for each such exercise, scores it zero when:

* the answer, or any code of the student's that the answer uses (helpers, aliases, imports, in any
  cell the student wrote or changed), names a reference: ``from course.metrics import
  ndcg_at_k``, ``ndcg_at_k = metrics.ndcg_at_k``, a ``def`` whose body calls it, an alias of it
  exported by another course module, a string holding its name (``getattr(metrics, "ndcg_at_k")``);
* that code uses a feature that can reach a function without naming it (``exec``, ``eval``,
  ``compile``, ``__import__``, ``importlib``, ``getattr`` with a computed name, ``vars``,
  ``globals``, dunder attributes, ``sys``, ``inspect``, pandas ``eval``/``query``...) or imports a
  module the grader cannot read (e.g. a ``.py`` file shipped with the submission);
* a cell the student wrote reprograms IPython (input or AST transformers, event hooks, magics
  other than ``%matplotlib``/``%time``/``%timeit``), traces execution, patches builtins or edits
  ``sys.modules``: then what a cell runs may not be what it says, so no exercise with a
  reference implementation is graded automatically (the message asks to see the instructor).

The notebook says so next to each such exercise. The message in the feedback names the reason.

Example
-------
>>> src = ("from course import metrics\\n"
...        "def ndcg_at_k(r, rel, k):\\n    return metrics.ndcg_at_k(r, rel, k)")
>>> print(find_delegation([src], ["ndcg_at_k"], {"course.metrics.ndcg_at_k"}))
the answer uses the course's reference implementation `course.metrics.ndcg_at_k`
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable
from pathlib import Path

#: notebook id -> answer (grade id) -> course objects the answer must not delegate to.
REFERENCES: dict[str, dict[str, list[str]]] = {
    "00-start-here": {
        "n_users": ["course.data.N_USERS"],
    },
    "01-engagement-metrics": {
        "stickiness": ["course.engagement.stickiness", "course.engagement.dau_mau_ratio"],
        "arpu_q2_2020": ["course.engagement.arpu", "course.facts.ARPU_Q2_2020"],
        "minutes_per_user": ["course.engagement.minutes_per_user"],
        "day_n_retention": ["course.engagement.retention_curve",
                            "course.engagement.retention_cohorts"],
        "click_through_rate": ["course.engagement.ctr_by_position"],
    },
    "02-recommendation-basics": {
        "damped_mean_scores": ["course.popularity.damped_mean", "course.popularity.DampedMean"],
        "cosine": ["course.interventions.cosine_similarity", "course.knn.cosine_similarity"],
        "precision_at_k": ["course.metrics.precision_at_k", "course.metrics.evaluate_ranking"],
        "ndcg_at_k": ["course.metrics.ndcg_at_k", "course.metrics.evaluate_ranking"],
    },
    "03-collaborative-filtering": {
        "centred_cosine": ["course.knn.similarity", "course.knn.cosine_similarity"],
        "als_user_factors": ["course.mf.ridge_solve"],
    },
    "04-optimizing-for-engagement": {
        "pareto_mask": ["course.user_model.pareto_mask"],
    },
    "05-filter-bubbles": {
        "topic_diversity": ["course.bubble_metrics.normalized_entropy"],
        "jaccard": ["course.bubble_metrics.jaccard", "course.bubble_metrics.pair_jaccard"],
        "gini": ["course.bubble_metrics.gini"],
    },
    "06-breaking-the-bubble": {
        "mmr": ["course.interventions.mmr_rerank", "course.interventions.greedy_rerank"],
        "miscalibration": ["course.interventions.kl_miscalibration"],
        "calibrate": ["course.interventions.calibrated_rerank",
                      "course.interventions.greedy_rerank"],
        "cross_cutting_share": ["course.interventions.cross_cutting_share"],
    },
    "07-misinformation": {
        "see_probability": ["course.cascade.see_probability"],
        "fact_check_queue": ["course.cascade.fact_check_queue"],
    },
    "09-what-the-experiments-found": {
        "amplification_ratio": ["course.field_experiments.amplification_ratio",
                                "course.field_experiments.holdout_amplification"],
        "exposure_decomposition": ["course.field_experiments.exposure_decomposition",
                                   "course.field_experiments.decomposition_over_seeds"],
    },
    "08-capstone": {
        "misinfo_reach": ["course.capstone.misinformation_reach"],
    },
}

#: Modules an answer may import (top-level package names).
ALLOWED_IMPORTS = {"numpy", "pandas", "scipy", "math", "statistics", "itertools", "functools",
                   "collections", "heapq", "bisect", "random", "typing", "dataclasses",
                   "numbers", "decimal", "fractions", "re", "string", "networkx", "course",
                   "matplotlib", "seaborn", "datetime", "copy", "__future__"}
#: Names that reach objects without naming them.
DYNAMIC_NAMES = {"exec", "eval", "compile", "__import__", "globals", "vars", "locals",
                 "getattr", "delattr", "setattr", "__builtins__", "breakpoint", "open"}
DYNAMIC_ATTRS = {"attrgetter", "methodcaller", "eval", "query", "import_module", "getmembers",
                 "modules", "f_globals", "f_locals", "f_back", "run_cell", "run_line_magic",
                 "run_cell_magic", "ex", "ev", "system", "getoutput"}
ALLOWED_DUNDERS = {"__name__", "__doc__", "__init__", "__len__", "__class__", "__future__"}
#: IPython magics a student may use anywhere without it counting as reprogramming IPython.
HARMLESS_MAGICS = {"matplotlib", "time", "timeit", "who", "whos", "pinfo", "pinfo2", "pwd"}
#: Notebook-wide tampering: features that change what other cells run.
TAMPERING_ATTRS = {"input_transformers_cleanup", "input_transformers_post", "ast_transformers",
                   "set_custom_exc", "settrace", "setprofile", "run_cell", "_getframe",
                   "f_globals", "f_locals", "f_back",
                   "register_magic_function", "modules", "showtraceback", "events",
                   "input_transformer_manager", "transform_cell"}
TAMPERING_NAMES = {"get_ipython", "builtins", "__builtins__", "exec", "eval", "compile",
                   "__import__", "importlib"}


def _transform(source: str) -> str:
    """A cell's source as the Python IPython really runs (magics become function calls)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - fall back to the raw source
        return source


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(_transform(source))
    except SyntaxError:
        return None


@functools.cache
def _aliases(reference: str, package_dir: str) -> frozenset[str]:
    """Every name under which course modules export ``reference`` (static scan of the package)."""
    module, _, attr = reference.rpartition(".")
    names = {attr}
    for path in Path(package_dir).rglob("*.py"):
        try:
            tree = ast.parse(path.read_text())
        except (SyntaxError, OSError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                source = node.module if node.level == 0 else None
                for alias in node.names:
                    if alias.name == attr and (source is None or source == module
                                               or source.endswith(module.split(".")[-1])):
                        names.add(alias.asname or alias.name)
    return frozenset(names)


def _bindings(tree: ast.Module) -> dict[str, list[ast.AST]]:
    """name -> the statements of ``tree`` (at any depth) that bind it."""
    found: dict[str, list[ast.AST]] = {}

    def add(name: str, node: ast.AST) -> None:
        found.setdefault(name, []).append(node)

    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            add(node.name, node)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                add((alias.asname or alias.name).split(".")[0], node)
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.For | ast.With
                        | ast.NamedExpr):
            targets = (node.targets if isinstance(node, ast.Assign) else
                       [node.target] if hasattr(node, "target") else
                       [item.optional_vars for item in node.items if item.optional_vars])
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        add(name.id, node)
    return found


def _problems(node: ast.AST, ref_attrs: dict[str, str], own: set[str]) -> str | None:
    """Why the code ``node`` may delegate (or None). ``own``: names the student defined."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute):
            if sub.attr in ref_attrs:
                return ("the answer uses the course's reference implementation "
                        f"`{ref_attrs[sub.attr]}`")
            if sub.attr.startswith("__") and sub.attr not in ALLOWED_DUNDERS:
                return f"the answer uses `{sub.attr}`, which can reach hidden functions"
            if sub.attr in DYNAMIC_ATTRS:
                return f"the answer uses `.{sub.attr}`, which can run code the grader cannot read"
        elif isinstance(sub, ast.Name):
            if sub.id in ref_attrs and isinstance(sub.ctx, ast.Load) and sub.id not in own:
                # imported under its own name, in any cell (the notebook's own imports too)
                return ("the answer uses the course's reference implementation "
                        f"`{ref_attrs[sub.id]}`")
            if sub.id in DYNAMIC_NAMES:
                if sub.id == "getattr" and _constant_getattr(node, sub, ref_attrs):
                    continue
                return f"the answer uses `{sub.id}`, which can run code the grader cannot read"
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            for attr, full in ref_attrs.items():
                if attr in sub.value and len(attr) > 3:
                    return (f"the answer names the course's reference implementation `{full}` "
                            "in a string")
        elif isinstance(sub, ast.Import | ast.ImportFrom):
            names = ([a.name for a in sub.names] if isinstance(sub, ast.Import)
                     else [sub.module or ""])
            for name in names:
                if name.split(".")[0] not in ALLOWED_IMPORTS or sub_level(sub):
                    return f"the answer imports `{name or '.'}`, which the grader cannot check"
            if isinstance(sub, ast.ImportFrom):
                for alias in sub.names:
                    if alias.name == "*" and (sub.module or "").startswith("course"):
                        return f"the answer imports everything from `{sub.module}`"
                    if alias.name in ref_attrs and (sub.module or "").startswith("course"):
                        return ("the answer uses the course's reference implementation "
                                f"`{ref_attrs[alias.name]}`")
    return None


def sub_level(node: ast.AST) -> bool:
    return isinstance(node, ast.ImportFrom) and node.level > 0


def _constant_getattr(tree: ast.AST, name: ast.Name, ref_attrs: dict[str, str]) -> bool:
    """``getattr(obj, "constant")`` with a constant that is not a reference name."""
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and call.func is name and len(call.args) >= 2:
            arg = call.args[1]
            return isinstance(arg, ast.Constant) and isinstance(arg.value, str) \
                and arg.value not in ref_attrs
    return False


def _tampering(tree: ast.Module) -> str | None:
    """Why a cell the student wrote may change what other cells run (or None)."""
    for sub in ast.walk(tree):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) \
                and sub.func.attr in ("run_line_magic", "run_cell_magic") and sub.args \
                and isinstance(sub.args[0], ast.Constant):
            if sub.args[0].value in HARMLESS_MAGICS:
                continue
            return f"a cell you wrote uses the IPython magic %{sub.args[0].value}"
        if isinstance(sub, ast.Attribute) and sub.attr in TAMPERING_ATTRS:
            return f"a cell you wrote uses `{sub.attr}`"
        if isinstance(sub, ast.Name) and sub.id in TAMPERING_NAMES:
            if sub.id == "get_ipython" and _only_harmless_magics(tree, sub):
                continue
            return f"a cell you wrote uses `{sub.id}`"
        if isinstance(sub, ast.Import | ast.ImportFrom):
            names = [a.name for a in sub.names] if isinstance(sub, ast.Import) \
                else [sub.module or ""]
            for name in names:
                if name.split(".")[0] in ("builtins", "importlib", "ctypes", "gc", "inspect",
                                          "IPython", "ipykernel", "types", "course.grading"):
                    return f"a cell you wrote imports `{name}`"
    return None


def _only_harmless_magics(tree: ast.Module, name: ast.Name) -> bool:
    """``get_ipython()`` used only as ``get_ipython().run_line_magic('matplotlib', ...)``."""
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
                and isinstance(call.func.value, ast.Call) and call.func.value.func is name:
            return call.func.attr in ("run_line_magic", "run_cell_magic") and bool(call.args) \
                and isinstance(call.args[0], ast.Constant) \
                and call.args[0].value in HARMLESS_MAGICS
    return False


def find_delegation(sources: Iterable[str], targets: Iterable[str], references: set[str],
                    package_dir: str | None = None) -> str | None:
    """Why the student's code ``sources`` (cells in order, up to the test) delegates the answer
    ``targets`` to one of ``references`` ("module.name"), or None."""
    import course

    package = package_dir or str(Path(course.__file__).resolve().parent)
    ref_attrs: dict[str, str] = {}
    for ref in sorted(references):
        for alias in _aliases(ref, package):
            ref_attrs.setdefault(alias, ref)
    trees = [t for t in (_parse(s) for s in sources) if t is not None]
    for tree in trees:
        problem = _tampering(tree)
        if problem:
            return (f"{problem}, which can change what an answer runs; exercises with a "
                    "reference implementation in the course are then not graded "
                    "automatically (ask your instructor)")
    bindings: dict[str, list[ast.AST]] = {}
    for tree in trees:
        for name, nodes in _bindings(tree).items():
            bindings.setdefault(name, []).extend(nodes)
    own = {name for name, nodes in bindings.items()
           if any(not isinstance(n, ast.Import | ast.ImportFrom) for n in nodes)}
    for tree in trees:  # `from course.x import *` may bind any answer name
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("course") \
                    and any(a.name == "*" for a in node.names):
                return f"a cell you wrote imports everything from `{node.module}`"
    todo, seen = list(targets), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in bindings.get(name, []):
            problem = _problems(node, ref_attrs, own)
            if problem:
                return problem
            for sub in ast.walk(node):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load):
                    todo.append(sub.id)
    return None


def _code_cells_before(nb, index: int) -> list[tuple[int, object]]:
    return [(i, c) for i, c in enumerate(nb.cells[:index]) if c.cell_type == "code"]


def verdicts(nb, info: dict, instructor=None, extra: dict | None = None) -> dict[str, str]:
    """test grade id -> why that exercise scores zero, for every delegating answer in ``nb``.

    ``extra`` adds references (``{notebook: {exercise: ["module.name", ...]}}``), e.g. from
    ``c.JudgedExecute.references`` for an instructor's own notebooks.
    """
    notebook = info.get("notebook") or ""
    table = {**REFERENCES.get(notebook, {}), **(extra or {}).get(notebook, {})}
    if not table:
        return {}
    original = set()
    if instructor is not None:
        original = {c.source for c in instructor.cells if c.cell_type == "code"
                    and not c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    out: dict[str, str] = {}
    answer = None
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        if meta.get("solution"):
            answer = (meta.get("grade_id"), cell)
            continue
        if not (meta.get("grade") and answer and answer[0] in table):
            continue
        grade_id, answer_cell = answer
        student = [c.source for _, c in _code_cells_before(nb, index)
                   if c.get("metadata", {}).get("nbgrader", {}).get("solution")
                   or (c.source not in original and not c.get("metadata", {})
                       .get("nbgrader", {}).get("grade"))]
        targets = set()
        tree = _parse(answer_cell.source)
        if tree is not None:
            targets = {n for n in _bindings(tree) if not n.startswith("_")} or {grade_id}
        targets.add(grade_id)
        problem = find_delegation(student, sorted(targets), set(table[grade_id]))
        if problem:
            out[meta.get("grade_id", str(index))] = f"{problem}: write the code yourself " \
                                                    "(this exercise scores 0)"
    return out
