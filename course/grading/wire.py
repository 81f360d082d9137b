"""The bridge's wire format: values from a student's kernel as *data*, never code.

The student's kernel encodes what the judge asks for (:func:`dump`); the judge decodes it
(:func:`load`) without ever unpickling: plain values travel as tagged JSON, numeric arrays as
``.npy`` blobs read with ``allow_pickle=False`` (and only after the header's shape has been
checked against the bytes that are really there), pandas objects, sparse matrices and the
course's dataclasses are rebuilt from those. A function or any object that is not plain data
travels as a *reference*: the judge gets a proxy whose calls go back to the student's kernel.

Judge -> kernel requests are pickles: the kernel trusts the judge, not the other way round.

Example
-------
>>> import io, numpy as np, pandas as pd
>>> value = {"x": np.arange(3), "s": pd.Series([1.5, 2.0], index=["a", "b"]), "t": (1, None)}
>>> buffer = io.BytesIO()
>>> dump(value, buffer, register=None)
>>> got = load(buffer.getvalue(), make_ref=None)
>>> got["x"].tolist(), got["s"].to_dict(), got["t"]
([0, 1, 2], {'a': 1.5, 'b': 2.0}, (1, None))
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import decimal
import fractions
import importlib
import io
import json
import math
import struct
import sys
import types
from collections.abc import Callable
from typing import Any

MAGIC = b"ITFW1\n"
MAX_DEPTH = 64
MAX_NODES = 5_000_000
MAX_BYTES = 768 * 1024**2
MISSING = object()  # a name the student's namespace does not have
#: Output metadata key the judge sets on outputs of hidden tests (feedback drops them).
HIDDEN_OUTPUT = "inside_the_feed_hidden"


class WireError(ValueError):
    """A response that is not valid data (the judge treats it as a wrong answer)."""


# ==================================================================================== encoding
class _Encoder:
    def __init__(self, register: Callable[[Any], list] | None) -> None:
        self.register = register
        self.blobs: list[bytes] = []
        self.nodes = 0

    def array(self, arr) -> list:
        import numpy as np

        arr = np.asarray(arr)
        if arr.dtype.hasobject:
            return ["ao", list(arr.shape), [self.enc(v) for v in arr.ravel().tolist()]]
        buffer = io.BytesIO()
        np.lib.format.write_array(buffer, arr, allow_pickle=False)
        self.blobs.append(buffer.getvalue())
        return ["a", len(self.blobs) - 1]

    def ref(self, value: Any) -> list:
        if self.register is None:
            raise WireError(f"cannot send a {type(value).__name__} as data")
        return self.register(value)

    def enc(self, v: Any, depth: int = 0) -> list:  # noqa: C901 - one dispatch table
        self.nodes += 1
        if depth > MAX_DEPTH or self.nodes > MAX_NODES:
            raise WireError("value too deeply nested or too large")
        d = depth + 1
        if v is MISSING:
            return ["missing"]
        if v is None:
            return ["n"]
        t = type(v)
        if t is bool:
            return ["b", v]
        if t is int:
            return ["i", str(v)]
        if t is float:
            return ["f", v if math.isfinite(v) else repr(v)]
        if t is complex:
            return ["c", repr(v.real), repr(v.imag)]
        if t is str:
            return ["s", v]
        if t in (bytes, bytearray):
            return ["y", base64.b64encode(bytes(v)).decode()]
        if t is list:
            return ["l", [self.enc(x, d) for x in v]]
        if t is tuple or (isinstance(v, tuple) and hasattr(v, "_fields")):
            return ["t", [self.enc(x, d) for x in v]]
        if t in (set, frozenset):
            return ["set" if t is set else "fs", [self.enc(x, d) for x in v]]
        if isinstance(v, dict) and type(v).__module__ in ("builtins", "collections"):
            return ["d", [[self.enc(k, d), self.enc(x, d)] for k, x in v.items()]]
        if t is range:
            return ["range", v.start, v.stop, v.step]
        if t is slice:
            return ["slice", self.enc(v.start, d), self.enc(v.stop, d), self.enc(v.step, d)]
        if v is Ellipsis:
            return ["ellipsis"]
        if isinstance(v, types.ModuleType):
            return ["module", v.__name__]
        node = self._numeric(v, d)
        if node is not None:
            return node
        if dataclasses.is_dataclass(v) and not isinstance(v, type) \
                and t.__module__.startswith("course."):
            return ["dc", t.__module__, t.__qualname__,
                    [[f.name, self.enc(getattr(v, f.name), d)] for f in dataclasses.fields(v)]]
        return self.ref(v)

    def _numeric(self, v: Any, d: int) -> list | None:  # noqa: C901
        """numpy, pandas, scipy.sparse, datetime, decimal values (None if not one of them)."""
        np = sys.modules.get("numpy")
        if np is not None:
            if isinstance(v, np.ndarray):
                return self.array(v)
            if isinstance(v, np.generic):
                return ["a0", self.array(np.asarray(v))]
            if isinstance(v, np.dtype):
                return ["dtype", v.str] if not v.hasobject else ["dtype", "O"]
        pd = sys.modules.get("pandas")
        if pd is not None:
            if isinstance(v, pd.DataFrame):
                return ["pd.DataFrame", [self.values(v.iloc[:, i].array, d)
                                         for i in range(v.shape[1])],
                        self.enc(v.columns, d), self.enc(v.index, d)]
            if isinstance(v, pd.Series):
                return ["pd.Series", self.values(v.array, d), self.enc(v.index, d),
                        self.enc(v.name, d)]
            if isinstance(v, pd.MultiIndex):
                return ["pd.MultiIndex", [self.enc(level, d) for level in v.levels],
                        [self.array(c) for c in v.codes], [self.enc(n, d) for n in v.names]]
            if isinstance(v, pd.RangeIndex):
                return ["pd.RangeIndex", v.start, v.stop, v.step, self.enc(v.name, d)]
            if isinstance(v, pd.Index):
                return ["pd.Index", self.values(v.array, d), self.enc(v.name, d)]
            if isinstance(v, pd.api.extensions.ExtensionArray):
                return ["pd.array", self.values(v, d)]
            if v is pd.NaT:
                return ["pd.NaT"]
            if isinstance(v, pd.Timestamp):
                return ["pd.Timestamp", v.isoformat()]
            if isinstance(v, pd.Timedelta):
                return ["pd.Timedelta", str(v.value)]
        sparse = sys.modules.get("scipy.sparse")
        if sparse is not None and sparse.issparse(v):
            m = v.tocsr() if v.format not in ("csr", "csc") else v
            return ["sp", m.format, list(m.shape), isinstance(v, sparse.sparray),
                    self.array(m.data), self.array(m.indices), self.array(m.indptr)]
        if isinstance(v, datetime.datetime):
            return ["dt", v.isoformat()]
        if isinstance(v, datetime.date):
            return ["date", v.isoformat()]
        if isinstance(v, datetime.time):
            return ["time", v.isoformat()]
        if isinstance(v, datetime.timedelta):
            return ["td", v.days, v.seconds, v.microseconds]
        if isinstance(v, decimal.Decimal):
            return ["dec", str(v)]
        if isinstance(v, fractions.Fraction):
            return ["frac", str(v.numerator), str(v.denominator)]
        return None

    def values(self, arr: Any, d: int) -> list:
        """A pandas column or index's values (numpy or extension array)."""
        import numpy as np
        import pandas as pd

        if isinstance(arr, pd.Categorical):
            return ["pd.Categorical", self.array(arr.codes), self.enc(arr.categories, d),
                    bool(arr.ordered)]
        dtype = arr.dtype
        if isinstance(dtype, np.dtype) or isinstance(arr, pd.arrays.NumpyExtensionArray):
            return self.array(np.asarray(arr))
        if isinstance(dtype, pd.DatetimeTZDtype):
            return ["pd.tz", self.array(np.asarray(arr.asi8)), str(dtype.tz), dtype.unit]
        items = [None if (x is pd.NA or x is pd.NaT) else x for x in np.asarray(arr, dtype=object)]
        return ["pd.ext", str(dtype), [self.enc(x, d) for x in items]]


def dump(value: Any, file, register: Callable[[Any], list] | None) -> None:
    """Write ``value`` to the binary ``file`` (student-kernel side)."""
    enc = _Encoder(register)
    tree = enc.enc(value)
    _write(file, tree, enc.blobs)


def dump_error(ename: str, evalue: str, file) -> None:
    """Write an error (the student's code raised ``ename: evalue``)."""
    _write(file, ["err", ename[:200], evalue[:4000]], [])


def _write(file, tree: list, blobs: list[bytes]) -> None:
    head = json.dumps(tree, separators=(",", ":"), allow_nan=False).encode()
    file.write(MAGIC + struct.pack("<QQ", len(head), len(blobs)) + head)
    for blob in blobs:
        file.write(struct.pack("<Q", len(blob)) + blob)


# ==================================================================================== decoding
_SAFE_MODULE_ROOTS = {"course", "numpy", "pandas", "scipy", "math", "statistics", "itertools",
                      "functools", "collections", "random", "networkx", "matplotlib", "seaborn",
                      "datetime", "operator", "re", "json", "string", "heapq", "bisect"}


def importable(module: str) -> bool:
    """Whether the judge may import ``module`` when a student's namespace names it."""
    return module.split(".")[0] in _SAFE_MODULE_ROOTS and all(
        part.isidentifier() for part in module.split("."))


def load(data: bytes, make_ref: Callable[[int, str, dict], Any] | None) -> Any:
    """Decode a response written by :func:`dump` (judge side; raises :class:`WireError`)."""
    if len(data) > MAX_BYTES:
        raise WireError("response too large")
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 16:
        raise WireError("not a bridge response")
    pos = len(MAGIC)
    head_len, n_blobs = struct.unpack_from("<QQ", data, pos)
    pos += 16
    if head_len > len(data) - pos or n_blobs > 1_000_000:
        raise WireError("truncated response")
    try:
        tree = json.loads(data[pos:pos + head_len])
    except (ValueError, RecursionError) as err:
        raise WireError(f"bad response header: {err}") from None
    pos += head_len
    blobs = []
    for _ in range(n_blobs):
        if pos + 8 > len(data):
            raise WireError("truncated response")
        (size,) = struct.unpack_from("<Q", data, pos)
        pos += 8
        if size > len(data) - pos:
            raise WireError("truncated response")
        blobs.append(memoryview(data)[pos:pos + size])
        pos += size
    return _Decoder(blobs, make_ref).dec(tree)


def _read_npy(blob: memoryview):
    import numpy as np

    f = io.BytesIO(blob)
    try:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise WireError(f"unsupported .npy version {version}")
    except ValueError as err:
        raise WireError(f"bad array: {err}") from None
    if dtype.hasobject:
        raise WireError("object arrays are not accepted as data")
    count = math.prod(shape)
    start = f.tell()
    if count * dtype.itemsize > len(blob) - start:
        raise WireError("array shorter than its header says")
    arr = np.frombuffer(blob, dtype=dtype, count=count, offset=start)
    return arr.reshape(shape, order="F" if fortran else "C").copy()


class _Decoder:
    def __init__(self, blobs: list[memoryview], make_ref) -> None:
        self.blobs = blobs
        self.make_ref = make_ref
        self.nodes = 0

    def blob(self, index: Any):
        if not isinstance(index, int) or not 0 <= index < len(self.blobs):
            raise WireError("bad array reference")
        return _read_npy(self.blobs[index])

    def numeric(self, node: Any):
        """An ``["a", i]`` node: a numeric array (nothing else is accepted)."""
        if not (isinstance(node, list) and len(node) == 2 and node[0] == "a"):
            raise WireError("expected an array")
        return self.blob(node[1])

    def dec(self, node: Any, depth: int = 0) -> Any:  # noqa: C901 - one dispatch table
        self.nodes += 1
        if depth > MAX_DEPTH + 2 or self.nodes > MAX_NODES:
            raise WireError("response too deeply nested or too large")
        if not isinstance(node, list) or not node or not isinstance(node[0], str):
            raise WireError("malformed value")
        tag, args, d = node[0], node[1:], depth + 1
        try:
            if tag == "n":
                return None
            if tag == "missing":
                return MISSING
            if tag == "b":
                return bool(_typed(args[0], bool))
            if tag == "i":
                text = _typed(args[0], str)
                if len(text) > 5000:
                    raise WireError("integer too long")
                return int(text)
            if tag == "f":
                value = args[0]
                if isinstance(value, str):
                    if value not in ("nan", "inf", "-inf"):
                        raise WireError("bad float")
                    return float(value)
                return float(_typed(value, (int, float)))
            if tag == "c":
                return complex(float(_typed(args[0], str)), float(_typed(args[1], str)))
            if tag == "s":
                return _typed(args[0], str)
            if tag == "y":
                return base64.b64decode(_typed(args[0], str))
            if tag in ("l", "t", "set", "fs"):
                items = [self.dec(x, d) for x in _typed(args[0], list)]
                return {"l": list, "t": tuple, "set": set, "fs": frozenset}[tag](items)
            if tag == "d":
                out = {}
                for pair in _typed(args[0], list):
                    if not isinstance(pair, list) or len(pair) != 2:
                        raise WireError("malformed dict")
                    out[self.dec(pair[0], d)] = self.dec(pair[1], d)
                return out
            if tag == "range":
                return range(*(int(_typed(a, int)) for a in args[:3]))
            if tag == "slice":
                return slice(*(self.dec(a, d) for a in args[:3]))
            if tag == "ellipsis":
                return Ellipsis
            if tag == "module":
                name = _typed(args[0], str)
                if importable(name):
                    return importlib.import_module(name)
                return self._ref(["ref", -1, "module", {"name": name}])
            if tag == "a":
                return self.blob(args[0])
            if tag == "a0":
                return self.dec(args[0], d)[()]
            if tag == "ao":
                import numpy as np

                shape = [int(_typed(s, int)) for s in _typed(args[0], list)]
                items = [self.dec(x, d) for x in _typed(args[1], list)]
                if math.prod(shape) != len(items):
                    raise WireError("object array of the wrong size")
                arr = np.empty(len(items), dtype=object)
                arr[:] = items
                return arr.reshape(shape)
            if tag == "dtype":
                import numpy as np

                text = _typed(args[0], str)
                if text == "O":
                    return np.dtype(object)
                dtype = np.dtype(text)
                if dtype.hasobject:
                    raise WireError("bad dtype")
                return dtype
            if tag == "ref":
                return self._ref(node)
            if tag == "dc":
                return self._dataclass(args, d)
            if tag == "err":
                raise StudentError(str(_typed(args[0], str))[:200], str(args[1])[:4000])
            return self._pandas_or_other(tag, args, d)
        except (WireError, StudentError):
            raise
        except (IndexError, TypeError, ValueError, OverflowError, KeyError,
                AttributeError) as err:
            raise WireError(f"malformed {tag}: {type(err).__name__}") from None

    def _ref(self, node: list) -> Any:
        if self.make_ref is None:
            raise WireError("references are not allowed here")
        _, ref_id, kind, info = node
        if not isinstance(info, dict):
            raise WireError("malformed reference")
        return self.make_ref(int(ref_id), str(kind), {str(k): str(v)[:300]
                                                      for k, v in info.items()})

    def _dataclass(self, args: list, d: int) -> Any:
        module, qualname, fields = _typed(args[0], str), _typed(args[1], str), args[2]
        if not module.startswith("course.") or not importable(module):
            raise WireError("dataclass outside the course package")
        cls: Any = importlib.import_module(module)
        for part in qualname.split("."):
            if not part.isidentifier() or part.startswith("_"):
                raise WireError("bad dataclass name")
            cls = getattr(cls, part)
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            raise WireError("not a course dataclass")
        names = {f.name for f in dataclasses.fields(cls)}
        values = {}
        for pair in _typed(fields, list):
            key = _typed(pair[0], str)
            if key not in names:
                raise WireError(f"{qualname} has no field {key!r}")
            values[key] = self.dec(pair[1], d)
        if set(values) != names:
            raise WireError(f"{qualname}: fields missing")
        obj = cls.__new__(cls)
        for key, value in values.items():
            object.__setattr__(obj, key, value)
        return obj

    def _pandas_or_other(self, tag: str, args: list, d: int) -> Any:  # noqa: C901
        if tag == "dt":
            return datetime.datetime.fromisoformat(_typed(args[0], str))
        if tag == "date":
            return datetime.date.fromisoformat(_typed(args[0], str))
        if tag == "time":
            return datetime.time.fromisoformat(_typed(args[0], str))
        if tag == "td":
            return datetime.timedelta(days=_typed(args[0], int), seconds=_typed(args[1], int),
                                      microseconds=_typed(args[2], int))
        if tag == "dec":
            return decimal.Decimal(_typed(args[0], str)[:1000])
        if tag == "frac":
            return fractions.Fraction(int(_typed(args[0], str)[:5000]),
                                      int(_typed(args[1], str)[:5000]))
        if tag == "sp":
            import scipy.sparse as sp

            fmt, shape, is_array = _typed(args[0], str), _typed(args[1], list), args[2]
            if fmt not in ("csr", "csc") or len(shape) != 2:
                raise WireError("bad sparse matrix")
            data, indices, indptr = (self.numeric(a) for a in args[3:6])
            cls = {("csr", False): sp.csr_matrix, ("csc", False): sp.csc_matrix,
                   ("csr", True): sp.csr_array, ("csc", True): sp.csc_array}[fmt, bool(is_array)]
            return cls((data, indices, indptr), shape=tuple(int(s) for s in shape))
        import pandas as pd

        if tag == "pd.NaT":
            return pd.NaT
        if tag == "pd.Timestamp":
            return pd.Timestamp(_typed(args[0], str))
        if tag == "pd.Timedelta":
            return pd.Timedelta(int(_typed(args[0], str)), unit="ns")
        if tag == "pd.RangeIndex":
            return pd.RangeIndex(_typed(args[0], int), _typed(args[1], int),
                                 _typed(args[2], int), name=self.dec(args[3], d))
        if tag == "pd.Index":
            return pd.Index(self._values(args[0], d), name=self.dec(args[1], d),
                            tupleize_cols=False)
        if tag == "pd.MultiIndex":
            levels = [self.dec(x, d) for x in _typed(args[0], list)]
            codes = [self.numeric(x) for x in _typed(args[1], list)]
            names = [self.dec(x, d) for x in _typed(args[2], list)]
            return pd.MultiIndex(levels=levels, codes=codes, names=names)
        if tag == "pd.Series":
            return pd.Series(self._values(args[0], d), index=self.dec(args[1], d),
                             name=self.dec(args[2], d), copy=False)
        if tag == "pd.DataFrame":
            columns = [self._values(c, d) for c in _typed(args[0], list)]
            names, index = self.dec(args[1], d), self.dec(args[2], d)
            if not isinstance(names, pd.Index) or len(names) != len(columns):
                raise WireError("bad DataFrame columns")
            frame = pd.DataFrame({i: col for i, col in enumerate(columns)}, index=index)
            frame.columns = names
            return frame
        if tag == "pd.array":
            values = self._values(args[0], d)
            return values if not hasattr(values, "dtype") or hasattr(values, "_values") \
                else pd.array(values)
        raise WireError(f"unknown value type {tag!r}")

    def _values(self, node: Any, d: int) -> Any:
        import pandas as pd

        if isinstance(node, list) and node and node[0] == "pd.Categorical":
            codes, categories = self.numeric(node[1]), self.dec(node[2], d)
            return pd.Categorical.from_codes(codes, categories=categories,
                                             ordered=bool(node[3]))
        if isinstance(node, list) and node and node[0] == "pd.tz":
            values = self.numeric(node[1])
            return pd.DatetimeIndex(values.astype(f"datetime64[{_typed(node[3], str)}]")
                                    ).tz_localize("UTC").tz_convert(_typed(node[2], str)).array
        if isinstance(node, list) and node and node[0] == "pd.ext":
            dtype = pd.api.types.pandas_dtype(_typed(node[1], str))
            items = [self.dec(x, d) for x in _typed(node[2], list)]
            return pd.array(items, dtype=dtype)
        return self.dec(node, d)


def _typed(value: Any, kind) -> Any:
    if isinstance(value, bool) and kind is not bool and kind != (int, float):
        raise WireError("malformed value")
    if not isinstance(value, kind):
        raise WireError("malformed value")
    return value


class StudentError(Exception):
    """The student's code raised ``ename: evalue`` while the judge was calling it."""

    def __init__(self, ename: str, evalue: str) -> None:
        super().__init__(f"{ename}: {evalue}" if evalue else ename)
        self.ename = "".join(c for c in ename if c.isalnum() or c in "_.")[:100] or "Error"
        self.evalue = evalue
