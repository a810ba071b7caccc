"""Resource limits as seeds 2.2 use them: CFS quota and period, block I/O
throttles on a real disk, and `update` of a running container, checked in
the container's cgroup files (cgroup v1 here; the hybrid layout counts as
v1) through both our CLI and the docker CLI."""
import json
import os

import pytest

from conftest import whole_disk_of_root


def cgroup_file(controller, cid, name):
    return "/sys/fs/cgroup/%s/mydocker/%s/%s" % (controller, cid, name)


def read(controller, cid, name):
    with open(cgroup_file(controller, cid, name)) as f:
        return f.read().strip()


@pytest.fixture(scope="module")
def disk():
    """(path, "major:minor") of the whole disk that holds /."""
    path, major, minor = whole_disk_of_root()
    return path, "%s:%s" % (major, minor)


def test_cpu_quota_and_period(daemon):
    for cli in (daemon.cli, daemon.docker):
        cid = cli("run", "-d", "--cpu-quota", "50000", "--cpu-period", "100000", "--cpu-shares", "512",
                  "busybox", "sleep", "60", check=True).stdout.strip()
        try:
            assert read("cpu", cid, "cpu.cfs_quota_us") == "50000"
            assert read("cpu", cid, "cpu.cfs_period_us") == "100000"
            assert read("cpu", cid, "cpu.shares") == "512"
            hc = json.loads(daemon.cli("inspect", cid).stdout)[0]["HostConfig"]
            assert (hc["CpuQuota"], hc["CpuPeriod"], hc["CpuShares"]) == (50000, 100000, 512)
        finally:
            daemon.cli("rm", "-f", cid)


def test_block_io_throttles_on_a_real_disk(daemon, disk):
    path, numbers = disk
    for cli in (daemon.cli, daemon.docker):
        cid = cli("run", "-d", "--device-write-bps", path + ":1mb", "--device-read-bps", path + ":2mb",
                  "--device-write-iops", path + ":30", "--device-read-iops", path + ":40",
                  "busybox", "sleep", "60", check=True).stdout.strip()
        try:
            assert read("blkio", cid, "blkio.throttle.write_bps_device") == "%s %d" % (numbers, 1 << 20)
            assert read("blkio", cid, "blkio.throttle.read_bps_device") == "%s %d" % (numbers, 2 << 20)
            assert read("blkio", cid, "blkio.throttle.write_iops_device") == "%s 30" % numbers
            assert read("blkio", cid, "blkio.throttle.read_iops_device") == "%s 40" % numbers
            hc = json.loads(daemon.cli("inspect", cid).stdout)[0]["HostConfig"]
            assert hc["BlkioDeviceWriteBps"] == [{"Path": path, "Rate": 1 << 20}]
        finally:
            daemon.cli("rm", "-f", cid)


def test_bad_throttles_are_refused_and_leave_nothing(daemon):
    before = daemon.cli("ps", "-aq").stdout
    p = daemon.cli("run", "--device-write-bps", "/dev/mdk-no-such-disk:1mb", "busybox", "true")
    assert p.returncode == 125 and "/dev/mdk-no-such-disk" in p.stderr, p.stderr
    p = daemon.cli("run", "--device-write-bps", "/dev/null:1mb", "busybox", "true")
    assert p.returncode == 125 and "\"/dev/null\" is not a block device" in p.stderr, p.stderr
    p = daemon.cli("run", "--device-write-bps", "/dev/sda:fast", "busybox", "true")
    assert p.returncode == 125 and "invalid rate for device: /dev/sda:fast" in p.stderr, p.stderr
    assert daemon.cli("ps", "-aq").stdout == before


def test_update_a_running_container(daemon):
    cid = daemon.cli("run", "-d", "--name", "res-upd", "-m", "32m", "busybox", "sleep", "60", check=True).stdout.strip()
    try:
        assert read("memory", cid, "memory.limit_in_bytes") == str(32 << 20)
        # The seed's command, through the docker CLI: memory above the old swap limit goes in the right order.
        p = daemon.docker("update", "--memory", "64m", "--memory-swap", "128m", "res-upd")
        assert p.returncode == 0 and p.stdout == "res-upd\n", p.stdout + p.stderr
        assert read("memory", cid, "memory.limit_in_bytes") == str(64 << 20)
        if os.path.exists(cgroup_file("memory", cid, "memory.memsw.limit_in_bytes")):
            assert read("memory", cid, "memory.memsw.limit_in_bytes") == str(128 << 20)
        p = daemon.cli("update", "--cpus", "0.5", "--cpuset-cpus", "0", "--pids-limit", "50", "res-upd")
        assert p.returncode == 0 and p.stdout == "res-upd\n", p.stdout + p.stderr
        assert read("cpu", cid, "cpu.cfs_quota_us") == "50000" and read("cpu", cid, "cpu.cfs_period_us") == "100000"
        assert read("cpuset", cid, "cpuset.cpus") == "0" and read("pids", cid, "pids.max") == "50"
        hc = json.loads(daemon.cli("inspect", "res-upd").stdout)[0]["HostConfig"]
        assert (hc["Memory"], hc["MemorySwap"], hc["NanoCpus"], hc["CpusetCpus"], hc["PidsLimit"]) == \
            (64 << 20, 128 << 20, 500000000, "0", 50)
        # Kept for the next start too.
        daemon.cli("restart", "-t", "0", "res-upd", check=True)
        new_cid = daemon.cli("inspect", "-f", "{{.Id}}", "res-upd").stdout.strip()
        assert read("memory", new_cid, "memory.limit_in_bytes") == str(64 << 20)
        # Swap below memory is refused with Docker's words; nothing changes.
        p = daemon.docker("update", "--memory", "256m", "--memory-swap", "128m", "res-upd")
        assert p.returncode == 1 and "Minimum memoryswap limit should be larger than memory limit" in p.stderr
        assert read("memory", new_cid, "memory.limit_in_bytes") == str(64 << 20)
        p = daemon.cli("update", "--memory", "64m", "mdk-no-such-container")
        assert p.returncode == 1 and "No such container: mdk-no-such-container" in p.stderr, p.stderr
    finally:
        daemon.cli("rm", "-f", "res-upd")
