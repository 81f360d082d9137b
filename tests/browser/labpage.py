"""Driving a notebook in JupyterLab from a test: open it, run all cells, read what happened.

Everything is read from JupyterLab's own objects (``window.jupyterapp``, exposed by the test
server) and the page, the way a learner would see it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
OPEN_TIMEOUT = 90_000       # ms

_PANEL = "window.jupyterapp.shell.currentWidget"

#: The state of the open notebook: per code cell, its execution count, output types, widget
#: outputs and how many of them are drawn live, and texts a learner should never see.
_STATE = f"""() => {{
    const panel = {_PANEL};
    const cells = panel.content.widgets.filter(c => c.model.type === 'code');
    return {{
        kernel: panel.sessionContext.kernelDisplayStatus,
        running: cells.some(c => c.promptNode && c.promptNode.textContent.includes('*')),
        cells: cells.map((c, i) => {{
            const outputs = [];
            for (let j = 0; j < c.model.outputs.length; j++) {{
                const o = c.model.outputs.get(j).toJSON();
                const view = o.data && o.data['{WIDGET_MIME}'];
                outputs.push({{type: o.output_type, name: o.name || '',
                              widget: view ? view.model_id : '',
                              text: (o.text || (o.evalue ? o.ename + ': ' + o.evalue : '')
                                     || '').toString().slice(0, 300)}});
            }}
            const live = [...c.node.querySelectorAll('.jp-OutputArea-output')]
                .filter(n => n.querySelector('.jupyter-widgets')).length;
            return {{count: c.model.executionCount, outputs: outputs, live: live,
                     broken: c.node.innerText.includes('Error displaying widget')}};
        }}),
    }};
}}"""


@dataclass
class RunAll:
    """What a Run All left behind."""

    seconds: float
    cells: list[dict] = field(default_factory=list)

    @property
    def last_cell_ran(self) -> bool:
        return bool(self.cells) and self.cells[-1]["count"] is not None

    @property
    def not_run(self) -> list[int]:
        return [i for i, c in enumerate(self.cells) if c["count"] is None]

    @property
    def errors(self) -> list[str]:
        return [o["text"] for c in self.cells for o in c["outputs"] if o["type"] == "error"]

    @property
    def stderr(self) -> list[str]:
        return [o["text"] for c in self.cells for o in c["outputs"]
                if o["type"] == "stream" and o["name"] == "stderr"]

    open_models: set[str] = field(default_factory=set)

    @property
    def widgets(self) -> tuple[int, int]:
        """(widget outputs whose model is still open in the kernel, how many are drawn live).
        Widgets the notebook closed on purpose (finished progress bars) do not count."""
        wanted = drawn = 0
        for cell in self.cells:
            n = sum(o["widget"] in self.open_models for o in cell["outputs"])
            wanted += n
            drawn += min(cell["live"], n)
        return wanted, drawn

    @property
    def broken_widgets(self) -> list[int]:
        return [i for i, c in enumerate(self.cells) if c["broken"]]


def open_notebook(page, server, path: str) -> None:
    """Open ``path`` (relative to the server's root) alone (``reset``: no tabs restored from an
    earlier test) and wait until it is the current tab and its kernel is idle."""
    page.goto(f"{server.url}/lab/tree/{path}?reset&token={server.token}",
              timeout=OPEN_TIMEOUT)
    page.wait_for_function(
        f"""(path) => {{
            const panel = window.jupyterapp && {_PANEL};
            return panel && panel.context && panel.context.path === path
                && panel.sessionContext && panel.content
                && panel.sessionContext.kernelDisplayStatus === 'idle';
        }}""", arg=path, timeout=OPEN_TIMEOUT)


def shut_down_kernel(page) -> None:
    """Stop the current notebook's kernel (the next test's notebook gets the CPU)."""
    page.evaluate(f"() => {_PANEL}.sessionContext.shutdown()")


_OPEN_MODELS = f"""async () => {{
    const kernel = {_PANEL}.sessionContext.session.kernel;
    const reply = await kernel.requestExecute({{code: '', silent: true, store_history: false,
        user_expressions: {{models: "' '.join(__import__('ipywidgets').widgets.widget"
                                    + "._instances)"}}}}).done;
    const found = reply.content.user_expressions.models;
    return found.status === 'ok'
        ? found.data['text/plain'].replace(/'/g, '').split(' ').filter(Boolean) : [];
}}"""


def open_models(page) -> set[str]:
    """The ids of the widget models open in the notebook's kernel (asked of the kernel)."""
    return set(page.evaluate(_OPEN_MODELS))


def run_all(page, timeout: float = 600.0) -> RunAll:
    """Run all cells (as the Run menu does) and wait until the kernel is idle and no cell is
    queued any more; returns what every code cell shows."""
    start = time.perf_counter()
    # Start the run without awaiting it inside the page (evaluate has no timeout of its own).
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.wait_for_function(f"() => {_PANEL}.sessionContext.kernelDisplayStatus !== 'idle'",
                           timeout=30_000)
    deadline = start + timeout
    idle_since = None
    while time.perf_counter() < deadline:
        state = page.evaluate(_STATE)
        if state["kernel"] == "idle" and not state["running"]:
            idle_since = idle_since or time.perf_counter()
            if time.perf_counter() - idle_since > 1.0:      # idle for a second: done
                return RunAll(idle_since - start, state["cells"], open_models(page))
        else:
            idle_since = None
        page.wait_for_timeout(250)
    state = page.evaluate(_STATE)
    return RunAll(float("inf"), state["cells"], open_models(page))
