"""The GitHub workflows keep their security and publishing promises."""

from __future__ import annotations

from ruamel.yaml import YAML

from taxonomy.site.paths import PROJECT_ROOT

WORKFLOWS = PROJECT_ROOT / ".github" / "workflows"


def load(name: str) -> dict:
    return YAML(typ="safe").load((WORKFLOWS / name).read_text())


def steps(job: dict) -> list[str]:
    return [s.get("uses", "") + " " + s.get("run", "") for s in job["steps"]]


def test_pull_requests_run_without_secrets_and_keep_a_preview() -> None:
    text = (WORKFLOWS / "pr.yml").read_text()
    flow = load("pr.yml")
    assert set(flow["on"]) == {"pull_request"}  # never pull_request_target
    assert flow["permissions"] == {"contents": "read"}
    assert "secrets." not in text
    (job,) = flow["jobs"].values()
    assert "permissions" not in job  # nothing widens the read-only token
    run = " ".join(steps(job))
    for command in (
        "registry validate",
        "registry fmt --check",
        "pytest",
        "registry site build",
        "apt-get install",
        "chromium chromium-driver",
        "actions/upload-artifact",
    ):
        assert command in run, command
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["persist-credentials"] is False


def test_main_builds_and_deploys_to_pages() -> None:
    flow = load("pages.yml")
    assert flow["on"]["push"]["branches"] == ["main"]
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    assert "registry site build" in " ".join(steps(build))
    assert any(s.startswith("actions/upload-pages-artifact") for s in steps(build))
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any(s.startswith("actions/deploy-pages") for s in steps(deploy))
