"""Small helpers shared by the course's interactive widgets.

The widgets themselves live next to the idea they illustrate (the toy recommender in
:mod:`course.toy_recommender`, the playground in :mod:`course.playground`, the retention-cohort
explorer in :mod:`course.engagement`). What they share:

* :func:`is_batch_run`: widgets never block a batch run. Under papermill or nbgrader
  (``NBGRADER_EXECUTION`` is set while grading) they render their first view and return.
* :class:`Worker`: recomputation runs on a background thread, latest request first, so the
  kernel keeps answering the browser (a slider dragged twice does not queue two updates) and
* :class:`BusySign`: every wait longer than a third of a second shows a spinner and dims the
  view it is about to replace (the CSS delays both, so quick updates do not flicker).
* :func:`show`: display a widget with a note under it that appears only when the widget cannot
  be drawn (a reopened notebook, a restarted kernel): "run this cell again".

Example
-------
>>> import os
>>> os.environ["NBGRADER_EXECUTION"] = "autograde"
>>> is_batch_run()
True
>>> del os.environ["NBGRADER_EXECUTION"]
>>> done = []
>>> worker = Worker(done.append, batch=True)     # batch: runs at once, on this thread
>>> worker.submit(1); done
[1]
"""

from __future__ import annotations

import html
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

#: How long a wait may last before the busy sign appears (seconds).
BUSY_DELAY = 1 / 3

_CSS = f"""<style>
.course-busy {{ visibility: hidden; color: #444; font-size: 13px; }}
.course-busy.on {{ animation: course-busy-show 0s linear {BUSY_DELAY:.2f}s forwards; }}
@keyframes course-busy-show {{ to {{ visibility: visible; }} }}
.course-busy .course-spinner {{ display: inline-block; width: 0.9em; height: 0.9em;
  margin-right: 0.4em; vertical-align: -0.1em; border: 2px solid #0173b2;
  border-right-color: transparent; border-radius: 50%;
  animation: course-spin 0.8s linear infinite; }}
@keyframes course-spin {{ to {{ transform: rotate(360deg); }} }}
.course-stale {{ opacity: 0.35; transition: opacity 0.2s linear {BUSY_DELAY:.2f}s; }}
.course-error {{ color: #b00020; }}
.course-rerun {{ color: #555; font-size: 13px; margin: 4px 0; }}
.jp-OutputArea:has(.jp-OutputArea-output .jupyter-widgets) .course-rerun {{ display: none; }}
</style>"""


def is_batch_run() -> bool:
    """True when the notebook runs unattended: nbgrader grading, papermill, or a test run.

    papermill sets no variable of its own, so the course's test harness sets
    ``COURSE_BATCH_RUN=1`` for the kernels it starts.
    """
    return bool(os.environ.get("NBGRADER_EXECUTION") or os.environ.get("COURSE_BATCH_RUN"))


class BusySign:
    """A status line for a widget: a spinner with a message while it works (shown only after
    :data:`BUSY_DELAY`), an error message when an update failed, nothing otherwise.

    ``dims`` are widgets to grey out while busy (the view that is about to change).
    """

    def __init__(self, dims: Sequence[Any] = ()) -> None:
        import ipywidgets as w

        self.dims = list(dims)
        self.widget = w.HTML(_CSS)
        self.widget.add_class("course-busy-sign")

    def _set(self, inner: str) -> None:
        self.widget.value = _CSS + inner

    def busy(self, message: str = "updating") -> None:
        self._set(f'<span class="course-busy on" role="status" aria-live="polite">'
                  f'<span class="course-spinner"></span>{html.escape(message)}...</span>')
        for widget in self.dims:
            widget.add_class("course-stale")

    def idle(self, note: str = "") -> None:
        self._set(f'<span role="status" aria-live="polite">{html.escape(note)}</span>')
        for widget in self.dims:
            widget.remove_class("course-stale")

    def error(self, err: BaseException) -> None:
        self._set(f'<span class="course-error" role="alert">Could not update the view: '
                  f'{html.escape(type(err).__name__)}: {html.escape(str(err))}</span>')
        for widget in self.dims:
            widget.remove_class("course-stale")

    @property
    def text(self) -> str:
        """What the sign says now, without markup (for tests)."""
        import re

        return html.unescape(re.sub(r"<style>.*?</style>|<[^>]+>", "", self.widget.value,
                                    flags=re.S)).strip()


class Worker:
    """Run ``fn(request)`` on one background thread, the latest request first.

    :meth:`submit` returns at once. While ``fn`` runs, newer requests replace each other, so only
    the last one runs next (dragging a slider across ten positions costs at most two updates).
    ``busy`` (a :class:`BusySign`) shows ``message`` while work is pending and the error of a
    failed update. ``batch=True`` (default: :func:`is_batch_run`) runs ``fn`` at once on the
    calling thread and lets errors propagate, as tests and papermill need.
    """

    def __init__(self, fn: Callable[[Any], Any], busy: BusySign | None = None,
                 message: str = "updating", batch: bool | None = None) -> None:
        self.fn, self.busy, self.message = fn, busy, message
        self.batch = is_batch_run() if batch is None else batch
        self._pending: list[Any] = []
        self._lock = threading.Condition()
        self._running = False
        self.last_error: BaseException | None = None

    def submit(self, request: Any = None) -> None:
        """Ask for an update with ``request`` (replacing any request still waiting)."""
        if self.batch:
            self.fn(request)
            return
        with self._lock:
            self._pending[:] = [request]
            if not self._running:
                self._running = True
                if self.busy is not None:     # once per busy spell: its delay is not restarted
                    self.busy.busy(self.message)
                threading.Thread(target=self._loop, daemon=True, name="course-widget").start()

    def _loop(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._running = False
                    self._lock.notify_all()
                    return
                request = self._pending.pop()
            try:
                self.fn(request)
                failed = None
            except Exception as err:  # noqa: BLE001 - shown in the widget, kept for debugging
                failed = err
                self.last_error = err
            with self._lock:
                if self._pending:
                    continue
                if self.busy is not None:
                    if failed is None:
                        self.busy.idle()
                    else:
                        self.busy.error(failed)

    def superseded(self) -> bool:
        """True when a newer request is waiting: the running update may stop early."""
        with self._lock:
            return bool(self._pending)

    def wait(self, timeout: float = 30.0) -> bool:
        """Block until every submitted request has run (for tests and benchmarks)."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._running and not self._pending,
                                       timeout)


def rerun_note() -> Any:
    """The note shown under a widget only when it cannot be drawn (its model is gone)."""
    from IPython.display import HTML

    return HTML(_CSS + '<div class="course-rerun">↻ This interactive widget lives in the '
                "running notebook: if it shows an error or nothing (the notebook was reopened "
                "or the kernel restarted), run this cell again.</div>")


#: ipywidgets' sliders leave their handles without an accessible name, and a log slider's
#: handle announces the exponent (2.75) instead of the value shown (500). This names each handle
#: after its label and makes it announce its readout. Runs once per page; harmless without JS.
_A11Y_JS = """
(function () {
  if (window.__insideTheFeedA11y) { return; }
  window.__insideTheFeedA11y = true;
  var queued = false;
  function fix() {
    queued = false;
    document.querySelectorAll('.widget-slider').forEach(function (slider) {
      var handle = slider.querySelector('.noUi-handle');
      if (!handle) { return; }
      var label = slider.querySelector('.widget-label');
      var name = label ? label.textContent.trim() : '';
      if (name && handle.getAttribute('aria-label') !== name) {
        handle.setAttribute('aria-label', name);
      }
      var readout = slider.querySelector('.widget-readout');
      var text = readout ? readout.textContent.trim() : '';
      if (text && handle.getAttribute('aria-valuetext') !== text) {
        handle.setAttribute('aria-valuetext', text);
      }
    });
  }
  function later() { if (!queued) { queued = true; window.requestAnimationFrame(fix); } }
  new MutationObserver(later).observe(document.body, {subtree: true, childList: true,
    characterData: true, attributes: true, attributeFilter: ['aria-valuetext']});
  later();
})();
"""


def show(widget: Any) -> None:
    """Display ``widget`` with its :func:`rerun_note` (and name its sliders for screen
    readers)."""
    from IPython.display import Javascript, display

    display(widget)
    display(rerun_note())
    display(Javascript(_A11Y_JS))
