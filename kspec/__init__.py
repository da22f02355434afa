"""kspec: declarative scenario tests of Kubernetes behaviour against a simulated cluster."""

from kspec.cluster import Cluster, ImageSpec, NodeSpec
from kspec.errors import ApiError, KspecError

__all__ = ["ApiError", "Cluster", "ImageSpec", "KspecError", "NodeSpec"]
__version__ = "0.1.0"
