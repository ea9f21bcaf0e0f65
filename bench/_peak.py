"""Memory of the running process for the benchmarks: Linux's /proc figures, with the
process's lifetime peak (or nothing) elsewhere."""

from __future__ import annotations

import resource


def status_kib(field: str) -> float:
    """A ``/proc/self/status`` figure in KiB ("VmRSS", "VmHWM"); 0.0 where there is none."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return float(line.split()[1])
    except OSError:  # not Linux
        pass
    return 0.0


def high_water_kib() -> float:
    """Peak RSS in KiB since the last :func:`reset_high_water` (elsewhere: since start)."""
    return status_kib("VmHWM") or float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def reset_high_water() -> None:
    """Linux: writing 5 to clear_refs resets VmHWM to the current RSS, so the peak measured
    next is the next phase's own. Elsewhere peaks stay cumulative."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        pass
