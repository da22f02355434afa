"""ImageLocality: prefer nodes that already have the pod's images, weighted by how widely they spread."""

from __future__ import annotations

from kspec.scheduler.framework import MAX_NODE_SCORE, CycleState, Plugin
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo

NAME = "ImageLocality"
_MB = 1024 * 1024
#: minThreshold / maxContainerThreshold
MIN_THRESHOLD = 23 * _MB
MAX_CONTAINER_THRESHOLD = 1000 * _MB


def normalized_image_name(name: str) -> str:
    """normalizedImageName: an image without a tag or digest means ``:latest``."""
    if name.rfind(":") <= name.rfind("/") and "@" not in name:
        return name + ":latest"
    return name


def calculate_priority(sum_scores: int, num_containers: int) -> int:
    max_threshold = MAX_CONTAINER_THRESHOLD * num_containers
    sum_scores = min(max(sum_scores, MIN_THRESHOLD), max_threshold)
    return MAX_NODE_SCORE * (sum_scores - MIN_THRESHOLD) // (max_threshold - MIN_THRESHOLD)


class ImageLocality(Plugin):
    NAME = NAME

    def score(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> int:
        """sumImageScores then calculatePriority; the spread is the fraction of nodes with the image."""
        if not ni.images or not pi.images:
            return calculate_priority(0, max(1, len(pi.images)))
        cache = self.handle.cache
        total = len(cache.nodes) or 1
        score = 0
        for image in pi.images:
            for name in (image, normalized_image_name(image)):
                size = ni.images.get(name)
                if size is not None:
                    score += int(size * (cache.image_nodes.get(name, 0) / total))
                    break
        return calculate_priority(score, len(pi.images))

    def uniform_score(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> int | None:
        """No node reports an image: every node scores what an absent image gives."""
        if self.handle.cache.image_nodes:
            return None
        return calculate_priority(0, max(1, len(pi.images)))

    def score_nodes(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> list[int]:
        zero = calculate_priority(0, max(1, len(pi.images)))
        if not self.handle.cache.image_nodes:
            return [zero] * len(nodes)
        score = self.score
        return [score(state, pi, ni) if ni.images else zero for ni in nodes]
