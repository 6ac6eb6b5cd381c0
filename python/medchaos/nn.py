"""The networks of src/nn from Python: safetensors files as NumPy arrays, and
ResNet-18 / MobileNetV2 (torchvision's structure and names) loaded from
weights and run on a batch, as `medchaos nn forward` does."""
import ctypes
import json
import os

import numpy as np

from ._lib import call, fn

_P = ctypes.POINTER
_vp = ctypes.c_void_p
ST_MAX_DIMS = 8
F32, I64 = 1, 2
_DTYPES = {F32: np.float32, I64: np.int64}


class _Named(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int), ("ndim", ctypes.c_int),
                ("shape", ctypes.c_int64 * ST_MAX_DIMS), ("data", _vp), ("nbytes", ctypes.c_size_t)]


class _File(ctypes.Structure):
    _fields_ = [("t", _P(_Named)), ("n", ctypes.c_size_t), ("blob", _vp), ("meta_json", ctypes.c_char_p),
                ("meta_kv", _P(ctypes.c_char_p)), ("nmeta", ctypes.c_size_t)]


_st_load = fn("nn_st_load", [ctypes.c_char_p, _P(_File)])
_st_free = fn("nn_st_free", [_P(_File)], None)
_load = fn("nn_model_load", [_P(_vp), ctypes.c_char_p])
_free = fn("nn_model_free", [_vp], None)
_arch = fn("nn_model_arch", [_vp], ctypes.c_int)
_outputs = fn("nn_model_outputs", [_vp], ctypes.c_int)
_arch_name = fn("nn_arch_name", [ctypes.c_int], ctypes.c_char_p)
_num_params = fn("nn_model_num_params", [_vp], ctypes.c_size_t)
_forward = fn("nn_model_forward", [_vp, _P(ctypes.c_float), ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                   _P(ctypes.c_float), ctypes.c_int])
_tensor_name = fn("nn_model_tensor_name", [_vp, ctypes.c_int], ctypes.c_char_p)


def load_safetensors(path):
    """(tensors, metadata): every tensor of the file as a NumPy array (F32 as
    float32, I64 as int64, in header order) and the "__metadata__" strings."""
    f = _File()
    call(_st_load, os.fsencode(path), ctypes.byref(f), where=os.fspath(path))
    try:
        tensors = {}
        for i in range(f.n):
            t = f.t[i]
            dt = np.dtype(_DTYPES[t.dtype])
            flat = np.frombuffer(ctypes.string_at(t.data, t.nbytes), dt)
            tensors[t.name.decode()] = flat.reshape(tuple(t.shape[: t.ndim]))
        meta = json.loads(f.meta_json.decode()) if f.meta_json else {}
    finally:
        _st_free(ctypes.byref(f))
    return tensors, meta


class Model:
    """A network loaded from a safetensors state_dict (architecture and
    number of outputs detected from the tensor names, strictly checked)."""

    def __init__(self, path):
        self._m = _vp()
        call(_load, ctypes.byref(self._m), os.fsencode(path), where=os.fspath(path))

    @property
    def arch(self):
        return _arch_name(_arch(self._m)).decode()

    @property
    def outputs(self):
        return _outputs(self._m)

    @property
    def num_params(self):
        return _num_params(self._m)

    def tensor_names(self):
        """The state_dict names in torchvision's order."""
        names, i = [], 0
        while True:
            n = _tensor_name(self._m, i)
            if n is None:
                return names
            names.append(n.decode())
            i += 1

    def forward(self, batch, train=False):
        """Outputs (B, K) float32 of a (B, 3, H, W) float32 batch, read in
        place when C-contiguous float32. Evaluation mode (running statistics)
        unless train (batch statistics; updates them, as model.train())."""
        if not isinstance(batch, np.ndarray):
            raise TypeError("batch: expected a numpy.ndarray, got %s" % type(batch).__name__)
        if batch.dtype != np.float32:
            raise TypeError("batch: dtype must be float32, got %s" % batch.dtype)
        if batch.ndim != 4 or batch.shape[1] != 3 or min(batch.shape) < 1:
            raise ValueError("batch: expected shape (B, 3, H, W), got %s" % (batch.shape,))
        if not batch.flags.c_contiguous:
            raise ValueError("batch: array is not C-contiguous; pass numpy.ascontiguousarray(batch)")
        B, _, H, W = batch.shape
        if B > 65536 or H > 16384 or W > 16384:
            raise ValueError("batch: shape %s beyond the command's limits" % (batch.shape,))
        out = np.empty((B, self.outputs), np.float32)
        fp = _P(ctypes.c_float)
        call(_forward, self._m, batch.ctypes.data_as(fp), B, H, W, out.ctypes.data_as(fp), int(bool(train)),
             where="forward")
        return out

    def __del__(self):
        if getattr(self, "_m", None):
            _free(self._m)
            self._m = None
