"""The meaning of every remote status, defined once per kind of run.

Operators, sensors and triggers ask a model's ``phase``; nobody keeps a private list of states. A
status this module does not know is ``UNKNOWN``: waited on, never taken for a success.
"""

from __future__ import annotations

import enum


class Phase(enum.StrEnum):
    """Where a remote run is, in the terms a wait needs."""

    IN_PROGRESS = "in_progress"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ALARMING = "alarming"  # quality: finished, and a rule alarm fired
    STALLED = "stalled"  # paused / suspended / frozen: not moving, never a success
    UNKNOWN = "unknown"  # a status this provider does not know: keep waiting, never a success

    @property
    def finished(self) -> bool:
        return self in (Phase.SUCCEEDED, Phase.FAILED, Phase.ALARMING)


#: DataArts Factory instance status (v1 and v2) -> phase
FACTORY_PHASES: dict[str, Phase] = {
    "waiting": Phase.IN_PROGRESS,
    "running": Phase.IN_PROGRESS,
    "success": Phase.SUCCEEDED,
    "fail": Phase.FAILED,
    "running-exception": Phase.FAILED,
    "manual-stop": Phase.FAILED,
    "skip-by-depend": Phase.FAILED,  # did not run because an upstream instance failed
    "pause": Phase.STALLED,
    "freeze": Phase.STALLED,
    "waiting-confirm": Phase.STALLED,  # a rerun that waits for a user to confirm it (v1 list docs)
}
#: what the restart accepts: "only when it is in the successful, failed, or canceled state" (v1 restart page)
RESTARTABLE_FACTORY_STATUSES = ("success", "fail", "manual-stop")
#: what a user reads about a status that ends a wait without a plain failure
FACTORY_STATUS_NOTES = {
    "running-exception": (
        "the instance is abnormal: a node failed under the 'suspend' failure policy and the instance waits for a "
        "user to stop it, retry it, continue it or force it to success in the DataArts console"
    ),
    "skip-by-depend": "the instance was skipped because an instance it depends on failed",
}
#: DataArts Quality ``run_status`` -> phase
QUALITY_PHASES: dict[str, Phase] = {
    "RUNNING": Phase.IN_PROGRESS,
    "SUCCESS": Phase.SUCCEEDED,
    "FAILED": Phase.FAILED,
    "ALARMING": Phase.ALARMING,
    "SUSPENDING": Phase.STALLED,
    "UNKNOWN": Phase.UNKNOWN,
}
#: ModelArts visualization job status code -> name (REFERENCE.md; 22 from newer pages)
VISUALIZATION_STATUS_NAMES: dict[int, str] = dict(
    enumerate(
        [
            "UNKNOWN",
            "INIT",
            "IMAGE_CREATING",
            "IMAGE_FAILED",
            "SUBMIT_TRYING",
            "SUBMIT_FAILED",
            "DELETE_FAILED",
            "WAITING",
            "RUNNING",
            "KILLING",
            "COMPLETED",
            "FAILED",
            "KILLED",
            "CANCELED",
            "LOST",
            "SCALING",
            "SUBMIT_MODEL_FAILED",
            "DEPLOY_SERVICE_FAILED",
            "CHECK_INIT",
            "CHECK_RUNNING",
            "CHECK_RUNNING_COMPLETED",
            "CHECK_FAILED",
            "MOUNT_FAILED",
        ]
    )
)
VISUALIZATION_RUNNING = 8
VISUALIZATION_STARTING = {1, 2, 4, 7, 15, 18, 19, 20}
# A visualization job waited for is "up" at 8 RUNNING; every other end state means it is not up.
VISUALIZATION_DOWN = {3, 5, 6, 9, 10, 11, 12, 13, 14, 16, 17, 21, 22}


def visualization_phase(status: int | None) -> Phase:
    """SUCCEEDED means up (8 RUNNING): a restarted job is waited for until it serves."""
    if status == VISUALIZATION_RUNNING:
        return Phase.SUCCEEDED
    if status in VISUALIZATION_STARTING:
        return Phase.IN_PROGRESS
    if status in VISUALIZATION_DOWN:
        return Phase.FAILED
    return Phase.UNKNOWN
