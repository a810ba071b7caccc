"""`network ls` filters go to the daemon, so our CLI and docker's show the
same rows for every filter, with -q, --no-trunc and --format."""
import json

import pytest


@pytest.fixture
def labelled(daemon):
    daemon.cli("network", "create", "--label", "mdk.team=blue", "--label", "mdk.tier=web", "mdk-ls-a", check=True)
    daemon.cli("network", "create", "--label", "mdk.team=red", "mdk-ls-b", check=True)
    daemon.cli("network", "create", "mdk-ls-c", check=True)
    yield
    daemon.cli("network", "rm", "mdk-ls-a", "mdk-ls-b", "mdk-ls-c")


def both(daemon, *args):
    ours, theirs = daemon.cli("network", "ls", *args), daemon.docker("network", "ls", *args)
    assert ours.returncode == theirs.returncode == 0, (ours.stderr, theirs.stderr)
    assert ours.stdout == theirs.stdout, (args, ours.stdout, theirs.stdout)
    return ours.stdout


def names(daemon, *filters):
    args = [a for f in filters for a in ("-f", f)]
    return both(daemon, *args, "--format", "{{.Name}}").split()


def test_filters_match_docker(daemon, labelled):
    ids = {n["Name"]: n["Id"] for n in json.loads(daemon.api("GET", "/networks")[1])}
    assert names(daemon, "label=mdk.team") == ["mdk-ls-a", "mdk-ls-b"]
    assert names(daemon, "label=mdk.team=blue") == ["mdk-ls-a"]
    assert names(daemon, "label=mdk.team", "label=mdk.tier=web") == ["mdk-ls-a"]  # every label must match
    assert names(daemon, "label=mdk.team=green") == []
    assert names(daemon, "type=builtin") == ["bridge", "host", "none"]
    assert [n for n in names(daemon, "type=custom") if n.startswith("mdk-ls")] == ["mdk-ls-a", "mdk-ls-b", "mdk-ls-c"]
    assert "bridge" not in names(daemon, "type=custom")
    assert names(daemon, "name=mdk-ls-") == ["mdk-ls-a", "mdk-ls-b", "mdk-ls-c"]
    assert names(daemon, "name=mdk-ls-a", "name=mdk-ls-c") == ["mdk-ls-a", "mdk-ls-c"]  # one key: any value
    assert names(daemon, "name=^mdk-ls-b$") == ["mdk-ls-b"]
    assert names(daemon, "id=" + ids["mdk-ls-b"][:10]) == ["mdk-ls-b"]
    assert names(daemon, "driver=null") == ["none"]
    assert "mdk-ls-a" in names(daemon, "driver=bridge") and "host" not in names(daemon, "driver=bridge")
    assert names(daemon, "driver=bridge", "name=mdk-ls-c") == ["mdk-ls-c"]  # keys: all
    assert "mdk-ls-a" in names(daemon, "dangling=true") and "bridge" not in names(daemon, "dangling=true")
    assert both(daemon, "-q", "-f", "name=mdk-ls-a").strip() == ids["mdk-ls-a"][:12]
    assert both(daemon, "-q", "--no-trunc", "-f", "name=mdk-ls-a").strip() == ids["mdk-ls-a"]
    table = both(daemon, "-f", "label=mdk.team=red")
    assert table.splitlines()[0].split() == ["NETWORK", "ID", "NAME", "DRIVER", "SCOPE"]
    assert table.splitlines()[1].split() == [ids["mdk-ls-b"][:12], "mdk-ls-b", "bridge", "local"]
    assert both(daemon, "-f", "name=mdk-ls-b", "--format", "{{.Name}} {{.Labels}} {{.Internal}}") == \
        "mdk-ls-b mdk.team=red false\n"
    assert both(daemon, "--no-trunc", "-f", "name=mdk-ls-a", "--format", "{{.ID}}").strip() == ids["mdk-ls-a"]


def test_bad_filters_are_refused_like_docker(daemon):
    for bad, message in (("color=blue", "invalid filter 'color'"), ("type=weird", "invalid filter: 'type'='weird'")):
        ours, theirs = daemon.cli("network", "ls", "-f", bad), daemon.docker("network", "ls", "-f", bad)
        assert ours.returncode == theirs.returncode == 1, (ours, theirs)
        assert message in ours.stderr and message in theirs.stderr, (ours.stderr, theirs.stderr)
    status, body = daemon.api("GET", "/networks?filters=%7B%22color%22%3A%7B%22x%22%3Atrue%7D%7D")
    assert status == 400, body
