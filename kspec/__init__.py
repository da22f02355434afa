"""kspec: declarative scenario tests of Kubernetes behaviour against a simulated cluster."""

import gc as _gc

# Importing kspec makes tens of thousands of long-lived objects (modules, classes, functions, tables): a full
# pass of the cyclic garbage collector in the middle of it walked the whole interpreter and freed nothing
# (20 ms of a cold ``pytest``). The collector waits until the import is done.
_collecting = _gc.isenabled()
_gc.disable()
try:
    from kspec.cluster import Cluster, ImageSpec, NodeSpec
    from kspec.errors import ApiError, KspecError
finally:
    if _collecting:
        # the allocations counted while paused would start a pass at the next allocation, and one that
        # reaches the oldest generation when its count is due: a young pass now, over the import's objects only
        _gc.collect(0)
        _gc.enable()

__all__ = ["ApiError", "Cluster", "ImageSpec", "KspecError", "NodeSpec"]
__version__ = "0.1.0"
