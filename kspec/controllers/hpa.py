"""The HorizontalPodAutoscaler controller (pkg/controller/podautoscaler), autoscaling/v2 resource metrics.

Every 15s per HPA: read the target's scale, compute the replicas each
Resource metric asks for (``GetResourceReplicas``: utilization over requests,
the 0.1 tolerance, ready-pod count, missing and unready pods), take the
largest, then stabilize and limit it (``normalizeDesiredReplicas`` with the 5
minute downscale window when ``behavior`` is unset, the behavior policies and
windows when set), scale, and report conditions and events.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kspec.api.kinds import kind_for
from kspec.controllers.base import Controller
from kspec.controllers.controller_utils import selector_of
from kspec.controllers.replica_calculator import MetricError
from kspec.errors import ApiError
from kspec.metrics import WINDOW_MS, metrics_for
from kspec.objects import Obj, clone, get_condition, parse_timestamp, set_condition, split_key, timestamp
from kspec.quantity import cpu_millis, format_cpu

if TYPE_CHECKING:
    from kspec.cluster import Cluster

#: RecommendedDefaultHPAControllerConfiguration
SYNC_MS = 15_000
DOWNSCALE_WINDOW_MS = 5 * 60_000
CPU_INITIALIZATION_MS = 5 * 60_000
INITIAL_READINESS_DELAY_MS = 30_000
TOLERANCE = 0.1
#: scaleUpLimitFactor / scaleUpLimitMinimum (used when behavior is unset)
SCALE_UP_FACTOR = 2.0
SCALE_UP_MINIMUM = 4.0


@dataclass
class ScaleEvent:
    change: int
    at_ms: int


class HPAController(Controller):
    NAME = "horizontal-pod-autoscaler"
    START_ON_FIRST = ("horizontalpodautoscalers",)

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self._recommendations: dict[str, list[tuple[int, int]]] = {}  # key -> [(replicas, at ms)]
        self._up: dict[str, list[ScaleEvent]] = {}
        self._down: dict[str, list[ScaleEvent]] = {}

    def start(self) -> None:
        handler = self.api.informers.on("horizontalpodautoscalers", self._enqueue, lambda _o, n: self._enqueue(n),
                                        self._deleted)
        self.api.informers.replay(handler, self.api.store.list("horizontalpodautoscalers"))

    def _enqueue(self, hpa: Obj) -> None:
        """enqueueHPA: every add or update waits out the resync interval (AddRateLimited with the
        fixed-interval NewDefaultHPARateLimiter); a key already waiting keeps its earlier time, so the
        controller's own status writes never trigger an immediate second sync. A resync: settling waits for it
        no more than for other periodic work."""
        self.queue.add_after(f"{hpa['metadata']['namespace']}/{hpa['metadata']['name']}", SYNC_MS, resync=True)

    def _deleted(self, hpa: Obj) -> None:
        key = f"{hpa['metadata']['namespace']}/{hpa['metadata']['name']}"
        for store in (self._recommendations, self._up, self._down):
            store.pop(key, None)

    def _process(self, key: str) -> None:
        """processNextWorkItem: reconcile, then queue the key again one resync interval later unless the HPA
        is gone; an error is reported and waits for that same next sync (no exponential back-off)."""
        try:
            self.reconcile(key)
        except ApiError:
            pass
        ns, name = split_key(key)
        if self.api.try_get("horizontalpodautoscalers", name, ns) is not None:
            self.queue.add_after(key, SYNC_MS, resync=True)

    # -- reconcileAutoscaler ------------------------------------------------------
    def reconcile(self, key: str) -> None:
        ns, name = split_key(key)
        live = self.api.try_get("horizontalpodautoscalers", name, ns)
        if live is None:
            return
        hpa = clone(live)
        spec, now = hpa["spec"], self.clock.now
        status = hpa.setdefault("status", {})
        ref = spec.get("scaleTargetRef") or {}
        target = self._target(hpa, ref)
        if target is None:
            self._write(live, hpa)
            return
        resource, obj = target
        current = obj["spec"].get("replicas", 1)
        min_replicas, max_replicas = spec.get("minReplicas", 1), spec["maxReplicas"]
        set_condition(hpa, "AbleToScale", "True", now, "SucceededGetScale",
                      "the HPA controller was able to get the target's current scale")
        metric_statuses: list[dict[str, Any]] = list(status.get("currentMetrics") or [])
        rescale_reason = ""
        desired = 0
        if current == 0 and min_replicas != 0:
            set_condition(hpa, "ScalingActive", "False", now, "ScalingDisabled",
                          "scaling is disabled since the replica count of the target is zero")
        elif current > max_replicas:
            rescale_reason, desired = "Current number of replicas above Spec.MaxReplicas", max_replicas
        elif current < min_replicas:
            rescale_reason, desired = "Current number of replicas below Spec.MinReplicas", min_replicas
        else:
            proposal, metric_name, metric_statuses = self._compute(hpa, obj, current)
            if proposal is None:
                hpa["status"] = self._status(hpa, current, current, metric_statuses, False)
                self._write(live, hpa)
                return
            desired = proposal
            if desired > current:
                rescale_reason = f"{metric_name} above target"
            elif desired < current:
                rescale_reason = "All metrics below target"
            if spec.get("behavior") is None:
                desired = self._normalize(hpa, key, current, desired, min_replicas)
            else:
                desired = self._normalize_with_behaviors(hpa, key, current, desired, min_replicas)
        rescale = desired != current and not (current == 0 and min_replicas != 0)
        if rescale:
            try:
                self.api.patch(resource, ref["name"], ns, lambda o: o["spec"].__setitem__("replicas", desired))
            except ApiError as exc:
                set_condition(hpa, "AbleToScale", "False", now, "FailedUpdateScale",
                              f"the HPA controller was unable to update the target scale: {exc.message}")
                self.events.event(hpa, "Warning", "FailedRescale",
                                  f"New size: {desired}; reason: {rescale_reason}; error: {exc.message}",
                                  component=self.NAME)
                self._write(live, hpa)
                return
            set_condition(hpa, "AbleToScale", "True", now, "SucceededRescale",
                          f"the HPA controller was able to update the target scale to {desired}")
            self.events.event(hpa, "Normal", "SuccessfulRescale", f"New size: {desired}; reason: {rescale_reason}",
                              component=self.NAME)
            self._store_scale_event(hpa, key, current, desired)
        else:
            desired = current
        hpa["status"] = self._status(hpa, current, desired, metric_statuses, rescale)
        self._write(live, hpa)

    def _target(self, hpa: Obj, ref: dict[str, Any]) -> tuple[str, Obj] | None:
        now, ns = self.clock.now, hpa["metadata"]["namespace"]
        try:
            resource = kind_for(ref.get("apiVersion", ""), ref.get("kind", "")).resource
            return resource, self.api.get(resource, ref.get("name", ""), ns)
        except ApiError as exc:
            message = f"the HPA controller was unable to get the target's current scale: {exc.message}"
            set_condition(hpa, "AbleToScale", "False", now, "FailedGetScale", message)
            self.events.event(hpa, "Warning", "FailedGetScale", exc.message, component=self.NAME)
            return None

    def _status(self, hpa: Obj, current: int, desired: int, metrics: list[dict[str, Any]],
                rescale: bool) -> dict[str, Any]:
        """setStatus."""
        old = hpa.get("status") or {}
        status: dict[str, Any] = {"currentReplicas": current, "desiredReplicas": desired}
        if metrics:
            status["currentMetrics"] = metrics
        if rescale:
            status["lastScaleTime"] = timestamp(self.clock.now)
        elif old.get("lastScaleTime"):
            status["lastScaleTime"] = old["lastScaleTime"]
        if old.get("conditions"):
            status["conditions"] = old["conditions"]
        return status

    def _write(self, live: Obj, hpa: Obj) -> None:
        if (hpa.get("status") or {}) != (live.get("status") or {}):
            self.api.update_status(hpa)

    # -- metrics ------------------------------------------------------------------------
    def _compute(self, hpa: Obj, target: Obj, current: int) -> tuple[int | None, str, list[dict[str, Any]]]:
        """computeReplicasForMetrics: the largest proposal over the metrics that could be computed."""
        now = self.clock.now
        best, best_name, statuses, errors = -1, "", [], []
        metrics = hpa["spec"].get("metrics") or []
        for metric in metrics:
            try:
                replicas, name, st = self._resource_metric(hpa, metric, target, current)
            except MetricError as exc:
                errors.append(str(exc))
                statuses.append({"type": ""})
                reason = "FailedGetResourceMetric"
                self.events.event(hpa, "Warning", reason, str(exc), component=self.NAME)
                set_condition(hpa, "ScalingActive", "False", now, reason,
                              f"the HPA was unable to compute the replica count: {exc}")
                continue
            statuses.append(st)
            if replicas > best:
                best, best_name = replicas, name
        if errors and (best == -1 or len(errors) == len(metrics)):
            self.events.event(hpa, "Warning", "FailedComputeMetricsReplicas",
                              f"invalid metrics ({len(errors)} invalid out of {len(metrics)}), first error is: "
                              f"{errors[0]}", component=self.NAME)
            return None, "", [s for s in statuses if s.get("type")]
        set_condition(hpa, "ScalingActive", "True", now, "ValidMetricFound",
                      f"the HPA was able to successfully calculate a replica count from {best_name}")
        return best, best_name, [s for s in statuses if s.get("type")]

    def _resource_metric(self, hpa: Obj, metric: dict[str, Any], target: Obj,
                         current: int) -> tuple[int, str, dict[str, Any]]:
        if metric.get("type") != "Resource":
            raise MetricError(f"unsupported metric source type \"{metric.get('type', '')}\" (kspec simulates "
                              "Resource metrics)")
        res = metric["resource"]
        resource, goal = res.get("name", "cpu"), res.get("target") or {}
        if resource != "cpu":
            raise MetricError(f"failed to get {resource} utilization: unable to get metrics for resource "
                              f"{resource}: no metrics returned from resource metrics API")
        pods = self.api.list("pods", hpa["metadata"]["namespace"], selector_of(target))
        source = metrics_for(self.cluster)
        usage = {p["metadata"]["name"]: u for p in pods if (u := source.pod_cpu(p)) is not None}
        if not usage:
            raise MetricError(f"failed to get {resource} utilization: unable to get metrics for resource "
                              f"{resource}: no metrics returned from resource metrics API")
        if goal.get("type", "Utilization") == "Utilization":
            want = int(goal.get("averageUtilization", 80))
            replicas, utilization, raw = self._resource_replicas(pods, usage, want, current)
            status = {"type": "Resource", "resource": {"name": resource, "current": {
                "averageUtilization": utilization, "averageValue": format_cpu(raw)}}}
            return replicas, f"{resource} resource utilization (percentage of request)", status
        want_millis = cpu_millis(goal.get("averageValue", "0"))
        replicas, raw = self._raw_replicas(pods, usage, want_millis, current)
        status = {"type": "Resource", "resource": {"name": resource, "current": {"averageValue": format_cpu(raw)}}}
        return replicas, f"{resource} resource", status

    def _group(self, pods: list[Obj], usage: dict[str, int], samples: dict[str, tuple[int, int]] | None = None,
               cpu_init_ms: int = CPU_INITIALIZATION_MS, readiness_delay_ms: int = INITIAL_READINESS_DELAY_MS
               ) -> tuple[int, set[str], set[str], set[str]]:
        """groupPods: ready count, unready, missing and ignored pods (cpu initialization rules).

        ``samples`` gives a pod's sample (timestamp, window) in ms; kspec's metrics-server samples now over
        WINDOW_MS, the default for a pod not listed."""
        now = self.clock.now
        ready, unready, missing, ignored = 0, set(), set(), set()
        for pod in pods:
            name, phase = pod["metadata"]["name"], pod.get("status", {}).get("phase")
            if pod["metadata"].get("deletionTimestamp") or phase == "Failed":
                ignored.add(name)
                continue
            if phase == "Pending":
                unready.add(name)
                continue
            if name not in usage:
                missing.add(name)
                continue
            cond = get_condition(pod, "Ready")
            start = pod.get("status", {}).get("startTime")
            if cond is None or not start:
                is_unready = True
            else:
                started, changed = parse_timestamp(start), parse_timestamp(cond["lastTransitionTime"])
                if started + cpu_init_ms > now:
                    # the sample must cover a full window since the last readiness change
                    sampled, window = (samples or {}).get(name, (now, WINDOW_MS))
                    is_unready = cond.get("status") == "False" or sampled < changed + window
                else:
                    is_unready = cond.get("status") == "False" and started + readiness_delay_ms > changed
            if is_unready:
                unready.add(name)
            else:
                ready += 1
        return ready, unready, missing, ignored

    @staticmethod
    def _requests(pods: list[Obj]) -> dict[str, int]:
        out = {}
        for pod in pods:
            total, complete = 0, True
            for c in pod["spec"].get("containers") or []:
                req = ((c.get("resources") or {}).get("requests") or {}).get("cpu")
                if req is None:
                    complete = False
                    break
                total += cpu_millis(req)
            if complete:
                out[pod["metadata"]["name"]] = total
        return out

    @staticmethod
    def _ratio(usage: dict[str, int], requests: dict[str, int], want: int) -> tuple[float, int, int]:
        """GetResourceUtilizationRatio."""
        total = sum(usage[n] for n in usage if n in requests)
        requested = sum(requests[n] for n in usage if n in requests)
        count = sum(1 for n in usage if n in requests)
        if requested == 0:
            raise MetricError("no metrics returned matched known pods")
        utilization = (total * 100) // requested
        return utilization / want, utilization, total // count

    def _resource_replicas(self, pods: list[Obj], usage: dict[str, int], want: int,
                           current: int) -> tuple[int, int, int]:
        """GetResourceReplicas."""
        if not usage:  # the metrics client's error, wrapped as GetResourceReplicas wraps it
            raise MetricError("failed to get cpu utilization: unable to get metrics for resource cpu: no metrics "
                              "returned from resource metrics API")
        ready, unready, missing, ignored = self._group(pods, usage)
        usage = {n: v for n, v in usage.items() if n not in ignored and n not in unready}
        if not usage:
            raise MetricError("failed to get cpu utilization: did not receive metrics for targeted pods "
                              "(pods might be unready)")
        requests = self._requests(pods)
        for pod in pods:
            if pod["metadata"]["name"] not in requests:
                container = next((c["name"] for c in pod["spec"].get("containers") or []
                                  if ((c.get("resources") or {}).get("requests") or {}).get("cpu") is None), "")
                raise MetricError(f"failed to get cpu utilization: missing request for cpu in container "
                                  f"{container} of Pod {pod['metadata']['name']}")
        ratio, utilization, raw = self._ratio(usage, requests, want)
        scale_up_unready = bool(unready) and ratio > 1.0
        if not scale_up_unready and not missing:
            if _within(ratio):
                return current, utilization, raw
            return math.ceil(ratio * ready), utilization, raw
        if missing:
            fallback = max(100, want) if ratio < 1.0 else 0
            if ratio != 1.0:
                for name in missing:
                    usage[name] = requests[name] * fallback // 100
        if scale_up_unready:
            for name in unready:
                usage[name] = 0
        new_ratio, _, _ = self._ratio(usage, requests, want)
        if _within(new_ratio) or (ratio < 1.0 < new_ratio) or (ratio > 1.0 > new_ratio):
            return current, utilization, raw
        replicas = math.ceil(new_ratio * len(usage))
        if (new_ratio < 1.0 and replicas > current) or (new_ratio > 1.0 and replicas < current):
            return current, utilization, raw
        return replicas, utilization, raw

    def _raw_replicas(self, pods: list[Obj], usage: dict[str, int], want: int, current: int) -> tuple[int, int]:
        """GetRawResourceReplicas (AverageValue targets): total usage over the per-pod target."""
        ready, unready, missing, ignored = self._group(pods, usage)
        usage = {n: v for n, v in usage.items() if n not in ignored and n not in unready}
        if not usage or want <= 0:
            raise MetricError("failed to get cpu usage: did not receive metrics for targeted pods "
                              "(pods might be unready)")
        total = sum(usage.values())
        ratio = total / (want * max(1, ready))
        raw = total // len(usage)
        if _within(ratio):
            return current, raw
        return math.ceil(total / want), raw

    # -- normalization -------------------------------------------------------------------
    def _normalize(self, hpa: Obj, key: str, current: int, desired: int, min_replicas: int) -> int:
        """normalizeDesiredReplicas: 5-minute downscale stabilization, then the scale-up rate limit."""
        now = self.clock.now
        stabilized = self._stabilize(key, desired, now)
        if stabilized != desired:
            set_condition(hpa, "AbleToScale", "True", now, "ScaleDownStabilized",
                          "recent recommendations were higher than current one, applying the highest recent "
                          "recommendation")
        else:
            set_condition(hpa, "AbleToScale", "True", now, "ReadyForNewScale",
                          "recommended size matches current size")
        result, reason, message = _limit(current, stabilized, min_replicas, hpa["spec"]["maxReplicas"])
        set_condition(hpa, "ScalingLimited", "False" if result == stabilized else "True", now, reason, message)
        return result

    def _stabilize(self, key: str, desired: int, now: int) -> int:
        """stabilizeRecommendation: the highest recommendation within the window; record this one."""
        recs = self._recommendations.setdefault(key, [])
        best, old_index = desired, -1
        for i, (value, at) in enumerate(recs):
            if at < now - DOWNSCALE_WINDOW_MS:
                old_index = i
            elif value > best:
                best = value
        if old_index >= 0:
            recs[old_index] = (desired, now)
        else:
            recs.append((desired, now))
        return best

    def _normalize_with_behaviors(self, hpa: Obj, key: str, current: int, desired: int, min_replicas: int) -> int:
        """normalizeDesiredReplicasWithBehaviors."""
        now = self.clock.now
        behavior = hpa["spec"]["behavior"]
        up = behavior.get("scaleUp") or {}
        down = behavior.get("scaleDown") or {}
        up_window = (up.get("stabilizationWindowSeconds") or 0) * 1000
        down_seconds = down.get("stabilizationWindowSeconds")
        down_window = DOWNSCALE_WINDOW_MS if down_seconds is None else down_seconds * 1000
        recs = self._recommendations.setdefault(key, [])
        up_rec = down_rec = desired
        old_index = -1
        for i, (value, at) in enumerate(recs):
            if at > now - up_window:
                up_rec = min(up_rec, value)
            if at > now - down_window:
                down_rec = max(down_rec, value)
            if at < now - up_window and at < now - down_window:
                old_index = i
        stabilized = max(current, up_rec)
        stabilized = min(stabilized, down_rec)
        if old_index >= 0:
            recs[old_index] = (desired, now)
        else:
            recs.append((desired, now))
        if stabilized != desired:
            if desired >= current:
                set_condition(hpa, "AbleToScale", "True", now, "ScaleUpStabilized",
                              "recent recommendations were lower than current one, applying the lowest recent "
                              "recommendation")
            else:
                set_condition(hpa, "AbleToScale", "True", now, "ScaleDownStabilized",
                              "recent recommendations were higher than current one, applying the highest recent "
                              "recommendation")
        else:
            set_condition(hpa, "AbleToScale", "True", now, "ReadyForNewScale", "recommended size matches current size")
        result, reason, message = self._rate_limit(key, current, stabilized, min_replicas,
                                                   hpa["spec"]["maxReplicas"], up, down)
        set_condition(hpa, "ScalingLimited", "False" if result == stabilized else "True", now, reason, message)
        return result

    def _changes(self, events: list[ScaleEvent], period_s: int) -> int:
        """getReplicasChangePerPeriod."""
        cutoff = self.clock.now - period_s * 1000
        return sum(e.change for e in events if e.at_ms > cutoff)

    def _rate_limit(self, key: str, current: int, desired: int, lowest: int, highest: int, up: dict[str, Any],
                    down: dict[str, Any]) -> tuple[int, str, str]:
        """convertDesiredReplicasWithBehaviorRate."""
        ups, downs = self._up.get(key, []), self._down.get(key, [])
        if desired > current:
            limit = self._scale_limit(current, ups, downs, up, scaling_up=True)
            limit = max(limit, current)
            if highest > limit:
                most, reason, message = limit, "ScaleUpLimit", ("the desired replica count is increasing faster "
                                                                 "than the maximum scale rate")
            else:
                most, reason, message = highest, "TooManyReplicas", ("the desired replica count is more than the "
                                                                      "maximum replica count")
            if desired > most:
                return most, reason, message
        elif desired < current:
            limit = self._scale_limit(current, ups, downs, down, scaling_up=False)
            limit = min(limit, current)
            if lowest < limit:
                least, reason, message = limit, "ScaleDownLimit", ("the desired replica count is decreasing faster "
                                                                    "than the maximum scale rate")
            else:
                least, reason, message = lowest, "TooFewReplicas", ("the desired replica count is less than the "
                                                                     "minimum replica count")
            if desired < least:
                return least, reason, message
        return desired, "DesiredWithinRange", "the desired count is within the acceptable range"

    def _scale_limit(self, current: int, ups: list[ScaleEvent], downs: list[ScaleEvent], rules: dict[str, Any],
                     scaling_up: bool) -> int:
        """calculateScaleUpLimitWithScalingRules / calculateScaleDownLimitWithBehaviors."""
        select = rules.get("selectPolicy", "Max")
        if select == "Disabled":
            return current
        pick_max = (select != "Min") == scaling_up
        result: int | None = None
        for policy in rules.get("policies") or []:
            start = current - self._changes(ups, policy["periodSeconds"]) + self._changes(downs,
                                                                                          policy["periodSeconds"])
            if policy["type"] == "Pods":
                proposed = start + policy["value"] if scaling_up else start - policy["value"]
            elif scaling_up:
                proposed = math.ceil(start * (1 + policy["value"] / 100))
            else:
                proposed = int(start * (1 - policy["value"] / 100))
            result = proposed if result is None else (max(result, proposed) if pick_max else min(result, proposed))
        return current if result is None else result

    def _store_scale_event(self, hpa: Obj, key: str, before: int, after: int) -> None:
        """storeScaleEvent: keep events within the longest policy period."""
        behavior = hpa["spec"].get("behavior")
        if behavior is None:
            return
        now = self.clock.now
        up = after > before
        rules = behavior.get("scaleUp" if up else "scaleDown") or {}
        longest = max((p["periodSeconds"] for p in rules.get("policies") or []), default=0) * 1000
        store = self._up if up else self._down
        events = [e for e in store.get(key, []) if e.at_ms > now - longest]
        events.append(ScaleEvent(abs(after - before), now))
        store[key] = events


def _within(ratio: float) -> bool:
    """Tolerances.isWithin (bounds inclusive)."""
    return 1.0 - TOLERANCE <= ratio <= 1.0 + TOLERANCE


def _limit(current: int, desired: int, lowest: int, highest: int) -> tuple[int, str, str]:
    """convertDesiredReplicasWithRules: min/max and the 2x (at least 4) scale-up limit."""
    up_limit = int(max(SCALE_UP_FACTOR * current, SCALE_UP_MINIMUM))
    if highest > up_limit:
        most, reason, message = up_limit, "ScaleUpLimit", ("the desired replica count is increasing faster than "
                                                           "the maximum scale rate")
    else:
        most, reason, message = highest, "TooManyReplicas", "the desired replica count is more than the maximum " \
                                                            "replica count"
    if desired < lowest:
        return lowest, "TooFewReplicas", "the desired replica count is less than the minimum replica count"
    if desired > most:
        return most, reason, message
    return desired, "DesiredWithinRange", "the desired count is within the acceptable range"

