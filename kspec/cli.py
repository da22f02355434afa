"""The ``kspec`` command: ``kspec steps`` looks up the vocabulary, ``kspec lint`` checks feature files."""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
from collections.abc import Sequence

from kspec import reference
from kspec.lint import lint


def cmd_steps(args: argparse.Namespace) -> int:
    if args.markdown:
        if args.words:
            print("kspec steps --markdown writes the whole page; leave out the words", file=sys.stderr)
            return 2
        sys.stdout.write(reference.markdown())
        return 0
    width = shutil.get_terminal_size((100, 24)).columns - 1
    sys.stdout.write(reference.text(args.words, width))
    return 0 if reference.selected(args.words) else 1


def cmd_lint(args: argparse.Namespace) -> int:
    problems = lint(args.paths)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found", file=sys.stderr)
        return 1
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve a simulated cluster to real clients until interrupted (kspec/serve)."""
    import tempfile
    import threading
    from pathlib import Path

    from kspec.cluster import Cluster
    from kspec.serve import Server, write_kubeconfig

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())  # before anything is printed: a client may stop us early
    if hasattr(signal, "SIGPIPE"):
        # main() lets SIGPIPE end `kspec steps | head`; a server must instead see EPIPE when a watching client
        # (kubectl rollout status, get -w) hangs up, or the next watch event would kill it silently
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    speed = 1.0 if args.speed is None else args.speed
    if args.feature:
        # a scenario stopped at a step: served paused unless --speed says otherwise
        from kspec.serve.scenario import ScenarioError, run_to
        try:
            stopped = run_to(args.feature, scenario=args.scenario, seed=args.seed)
        except ScenarioError as exc:
            print(f"kspec serve: {exc}", file=sys.stderr)
            return 1
        cluster = stopped.harness.cluster
        speed = 0.0 if args.speed is None else args.speed
        print(f'kspec: ran {stopped.ran} step(s) of scenario "{stopped.scenario}" up to line {stopped.line}: '
              f"{stopped.step}")
    elif args.scenario:
        print("kspec serve: --scenario names a scenario of a feature file: kspec serve x.feature --scenario NAME",
              file=sys.stderr)
        return 2
    else:
        cluster = Cluster(nodes=args.nodes, seed=args.seed)
    for path in args.filename or ():
        cluster.apply(Path(path).read_text(), source=path)
    if args.paused:
        speed = 0.0
    server = Server(cluster, args.port, speed=speed).start()
    kubeconfig = Path(args.kubeconfig) if args.kubeconfig else Path(tempfile.mkdtemp(prefix="kspec-")) / "kubeconfig"
    write_kubeconfig(kubeconfig, server.url)
    clock = "paused (POST /kspec/advance?ms=N moves it)" if speed == 0 else f"{speed:g}x wall time"
    nodes = len(server.call(lambda: cluster.api.list("nodes")))
    print(f"kspec: serving a cluster of {nodes} node(s) on {server.url}; virtual clock {clock}")
    dns_server = None
    if args.dns is not None:
        from kspec.serve.dns import DnsServer
        dns_server = DnsServer(cluster, server.call, args.dns).start()
        print(f"dns: 127.0.0.1 port {dns_server.port} (UDP and TCP): "
              f"dig @127.0.0.1 -p {dns_server.port} kubernetes.default.svc.cluster.local +short")
    print(f"kubeconfig: {kubeconfig}")
    print(f"export KUBECONFIG={kubeconfig}", flush=True)
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if dns_server is not None:
            dns_server.stop()
        server.stop()
    return 0


def cmd_explore(args: argparse.Namespace) -> int:
    """Random cluster actions with invariant checks; a broken invariant is shrunk and written as a feature."""
    from pathlib import Path

    from kspec.explore import INVARIANTS, explore, write_feature

    print(f"kspec explore: seed {args.seed}, {args.steps} steps"
          + (f", {args.etcd} etcd members" if args.etcd else "")
          + (f", {args.schedulers} schedulers" if args.schedulers else "")
          + (f", {args.controller_managers} controller managers" if args.controller_managers else ""))
    print("invariants checked after every step: " + ", ".join(INVARIANTS))
    every = max(1, args.steps // 10)

    def progress(i: int, step: object) -> None:
        if (i + 1) % every == 0:
            print(f"  step {i + 1}/{args.steps}", flush=True)

    run = explore(args.seed, args.steps, etcd=args.etcd, schedulers=args.schedulers,
                  controller_managers=args.controller_managers, progress=progress)
    if run.violation is None:
        print(f"{len(run.steps)} steps clean ({run.skipped} drawn actions did not apply and were skipped)")
        return 0
    path = write_feature(run, Path(args.out), args.seed)
    print(f"invariant {run.violation.invariant} broke: {run.violation.message}")
    print(f"shrunk to {len(run.steps)} steps: {path}")
    if not run.reproduced:
        print("warning: replaying the written steps does not break it again (the walk skipped failed steps)")
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kspec", description="Scenario tests of Kubernetes behaviour.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_steps = sub.add_parser("steps", help="print the step vocabulary, grouped by domain",
                             description="Print the step vocabulary; with WORDS, only the phrases that mention "
                                         "every word (kspec steps drain, kspec steps cpu).")
    p_steps.add_argument("words", nargs="*", metavar="WORDS", help="only phrases mentioning every word")
    p_steps.add_argument("--markdown", action="store_true",
                         help=f"write the reference page in Markdown (regenerate it: {reference.REGENERATE})")
    p_steps.add_argument("-v", "--verbose", action="store_true", help=argparse.SUPPRESS)
    p_steps.set_defaults(func=cmd_steps)
    p_lint = sub.add_parser("lint", help="check feature files for Gherkin errors and unknown steps")
    p_lint.add_argument("paths", nargs="+", help="feature files or folders")
    p_lint.set_defaults(func=cmd_lint)
    p_serve = sub.add_parser("serve", help="serve a simulated cluster to kubectl and other real clients",
                             description="Start a simulated cluster and serve the Kubernetes API on 127.0.0.1 "
                                         "until interrupted; prints the KUBECONFIG to use.")
    p_serve.add_argument("feature", nargs="?", metavar="FEATURE[:LINE]",
                         help="run this scenario's steps up to the step on LINE (all its steps without LINE) "
                              "and serve its cluster, paused unless --speed is given")
    p_serve.add_argument("--scenario", metavar="NAME", help="which scenario of FEATURE (without :LINE)")
    p_serve.add_argument("-f", "--filename", action="append", metavar="FILE", help="apply these manifests first")
    p_serve.add_argument("--nodes", type=int, default=3,
                         help="how many nodes (default 3; with FEATURE its steps make the cluster)")
    p_serve.add_argument("--seed", type=int, default=0, help="the cluster's random seed")
    p_serve.add_argument("--port", type=int, default=0, help="the port (default: any free one)")
    p_serve.add_argument("--speed", type=float, default=None,
                         help="virtual seconds per wall second (default 1; 0 with FEATURE: paused)")
    p_serve.add_argument("--paused", action="store_true", help="the virtual clock stands still")
    p_serve.add_argument("--dns", type=int, nargs="?", const=0, default=None, metavar="PORT",
                         help="also serve the cluster DNS on 127.0.0.1 UDP and TCP PORT (without PORT: a free one, "
                              "printed; write FEATURE before --dns); needs dnspython (pip install 'kspec[clients]')")
    p_serve.add_argument("--kubeconfig", metavar="PATH", help="where to write the kubeconfig")
    p_serve.set_defaults(func=cmd_serve)
    p_explore = sub.add_parser("explore", help="drive a cluster with random actions and check invariants",
                               description="Drive a simulated cluster with random actions (apply, scale, roll out, "
                                           "taint, cordon, stop nodes, fail probes, wait), check invariants after "
                                           "every step, and write a shrunk feature file when one breaks.")
    p_explore.add_argument("--seed", type=int, default=0, help="the walk's random seed (default 0)")
    p_explore.add_argument("--steps", type=int, default=200, help="actions to draw (default 200)")
    p_explore.add_argument("--etcd", type=int, default=0, metavar="N",
                           help="use N etcd members: stop/start, pause/resume, partition/heal them")
    p_explore.add_argument("--schedulers", type=int, default=0, metavar="N",
                           help="run N kube-scheduler replicas electing a leader, and stop/start them")
    p_explore.add_argument("--controller-managers", type=int, default=0, metavar="N",
                           help="run N kube-controller-manager replicas electing a leader, and stop/start them")
    p_explore.add_argument("--out", default=".", help="folder for the written feature file (default .)")
    p_explore.set_defaults(func=cmd_explore)
    args = parser.parse_args(argv)
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `kspec steps | head` ends quietly
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
