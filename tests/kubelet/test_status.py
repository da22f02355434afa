from kspec.kubelet.status import containers_ready_condition, get_phase, initialized_condition


def pod(policy: str = "Always", inits: int = 0) -> dict:
    return {"spec": {"restartPolicy": policy, "containers": [{"name": "app"}],
                     "initContainers": [{"name": f"i{n}"} for n in range(inits)]}}


def running(name: str = "app") -> dict:
    return {"name": name, "state": {"running": {}}, "ready": True}


def terminated(code: int, name: str = "app") -> dict:
    return {"name": name, "state": {"terminated": {"exitCode": code}}}


def test_phase_by_restart_policy() -> None:
    assert get_phase(pod(), [], [running()], False) == "Running"
    assert get_phase(pod("Never"), [], [terminated(1)], False) == "Failed"
    assert get_phase(pod("OnFailure"), [], [terminated(1)], False) == "Running"
    assert get_phase(pod("Always"), [], [terminated(0)], False) == "Running"
    assert get_phase(pod("Always"), [], [terminated(0)], True) == "Succeeded"
    assert get_phase(pod("OnFailure"), [], [terminated(0)], False) == "Succeeded"


def test_pending_while_initializing_and_failed_init_under_never() -> None:
    waiting = {"name": "app", "state": {"waiting": {"reason": "PodInitializing"}}}
    assert get_phase(pod(inits=1), [running("i0")], [waiting], False) == "Pending"
    assert get_phase(pod("Never", inits=1), [terminated(1, "i0")], [waiting], False) == "Failed"


def test_condition_messages() -> None:
    waiting = {"name": "app", "state": {"waiting": {"reason": "PodInitializing"}}}
    assert initialized_condition(pod(inits=1), [running("i0")], [waiting], "Pending") == (
        "False", "ContainersNotInitialized", "containers with incomplete status: [i0]")
    unready = {"name": "app", "state": {"running": {}}, "ready": False}
    assert containers_ready_condition(pod(), [], [unready], "Running") == (
        "False", "ContainersNotReady", "containers with unready status: [app]")
