"""Which plugin an exception came from, told in a few lines instead of a traceback through pytest.

A step drives the whole simulated cluster, so an exception raised by a
third-party plugin (a scheduler framework plugin's ``score``, a controller, a
proxy) surfaces deep inside pytest's and kspec's frames. The frames that
belong to neither kspec, its libraries nor the standard library are the
plugin's own; the innermost of them is where the plugin went wrong.
"""

from __future__ import annotations

import importlib.util
import linecache
import os
import sysconfig
import types
from pathlib import Path
from typing import Any

import pluggy


def _package_dir(name: str) -> str:
    spec = importlib.util.find_spec(name)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    return str(Path(locations[0]).resolve()) if locations else "\0"


_LIBRARIES = tuple(_package_dir(name) + os.sep for name in ("kspec", "pytest_bdd", "pluggy", "_pytest", "pytest"))
_STDLIB = tuple({str(Path(sysconfig.get_paths()[k]).resolve()) for k in ("stdlib", "platstdlib")})


def _is_plugin_frame(filename: str) -> bool:
    if filename.startswith("<"):
        return False
    path = str(Path(filename).resolve())
    if path.startswith(_LIBRARIES):
        return False
    return not (path.startswith(_STDLIB) and "site-packages" not in path)


def plugin_frames(exc: BaseException) -> list[types.FrameType]:
    """The plugin's own frames in the exception's traceback, outermost first.

    The first frame outside kspec, its libraries and the standard library is
    where kspec called into the plugin; frames of other packages the plugin
    calls in turn (yaml, say) are not the plugin's own.
    """
    out: list[types.FrameType] = []
    top = None
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if _is_plugin_frame(frame.f_code.co_filename):
            package = str(frame.f_globals.get("__name__", "")).split(".")[0]
            top = top or package
            if package == top:
                out.append(frame)
        tb = tb.tb_next
    return out


def _lines(exc: BaseException) -> dict[int, int]:
    tb, out = exc.__traceback__, {}
    while tb is not None:
        out[id(tb.tb_frame)] = tb.tb_lineno
        tb = tb.tb_next
    return out


def plugin_name(frames: list[types.FrameType], pm: pluggy.PluginManager | None) -> str:
    """The name the plugin goes by: a component's NAME, else the name pluggy registered its module under."""
    for frame in reversed(frames):
        name = getattr(frame.f_locals.get("self"), "NAME", None)
        if isinstance(name, str) and name:
            return name
    module = frames[-1].f_globals.get("__name__", "?")
    if pm is not None:
        for plugin in pm.get_plugins():
            owner = plugin.__name__ if isinstance(plugin, types.ModuleType) else type(plugin).__module__
            if owner == module:
                return pm.get_name(plugin) or module
    return module


def describe_plugin_failure(exc: BaseException, pm: pluggy.PluginManager | None = None) -> str | None:
    """``plugin "X" raised T: message`` and the plugin's frame, or None when no plugin code is involved."""
    frames = plugin_frames(exc)
    if not frames:
        return None
    return "\n".join([f'plugin "{plugin_name(frames, pm)}" raised {type(exc).__name__}: {exc}',
                      *where(exc, frames)])


def where(exc: BaseException, frames: list[types.FrameType] | None = None) -> list[str]:
    """The plugin's innermost frame: file, line, function and source line (nothing if no plugin frame)."""
    frames = plugin_frames(exc) if frames is None else frames
    if not frames:
        return []
    frame = frames[-1]
    lineno = _lines(exc).get(id(frame), frame.f_lineno)
    filename = frame.f_code.co_filename
    source = linecache.getline(filename, lineno).strip()
    return [f"  {_relative(filename)}:{lineno}, in {frame.f_code.co_name}", *([f"    {source}"] if source else [])]


def _relative(filename: str) -> str:
    try:
        return str(Path(filename).resolve().relative_to(Path.cwd()))
    except ValueError:
        return filename


def pm_of(harness: Any) -> pluggy.PluginManager | None:
    """The plugin manager of the scenario's cluster, if it has one."""
    if harness is not None and harness.has_cluster:
        return harness.cluster.pm
    return None
