#!/usr/bin/env bash
# A one-node Slurm on this machine, for GateLab's cluster tests (test/integration/cluster*.test.ts) and for trying
# `gatelab sweep --slurm` without a cluster. Needs root (it runs the daemons and the jobs as root) and Debian's
# packages (slurm-wlm 22.05 and munge; installed with apt-get when missing).
#
#   sudo bash scripts/slurm-local.sh          install when missing, write the config, start munged/slurmctld/slurmd,
#                                              wait until the node is idle (idempotent: a running Slurm with the same
#                                              config is left alone)
#   sudo bash scripts/slurm-local.sh stop     stop the three daemons this script started
#
# The cluster: node "localhost" (CPUs from nproc, at most 2), partitions "debug" (default) and "short"; no accounting
# (AccountingStorageType=accounting_storage/none, so no sacct: state comes from squeue/scontrol and the tasks' own
# files); finished jobs logged by jobcomp/filetxt; MaxArraySize=8 so that a 20-trial sweep must be split into several
# job arrays; MaxJobCount=5000 (a submit limit the tests check against).
set -euo pipefail

if [ "$(id -u)" != "0" ]; then
  echo "slurm-local.sh: run as root (sudo bash $0): it starts munged, slurmctld and slurmd" >&2
  exit 2
fi

state=/var/lib/gatelab-slurm
conf=/etc/slurm/slurm.conf
pids="$state/pids"
mkdir -p "$state" "$pids" /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /etc/slurm

stop() {
  for name in slurmd slurmctld munged; do
    if [ -f "$pids/$name.pid" ]; then
      pid=$(cat "$pids/$name.pid")
      if kill -0 "$pid" 2>/dev/null; then kill "$pid" && echo "stopped $name ($pid)"; fi
      rm -f "$pids/$name.pid"
    fi
  done
}

if [ "${1:-}" = "stop" ]; then
  stop
  exit 0
fi

if ! command -v sbatch >/dev/null 2>&1 || ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  echo "== installing slurm-wlm and munge (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq slurm-wlm munge >/dev/null
fi

cpus=$(nproc)
[ "$cpus" -gt 2 ] && cpus=2
# Memory Slurm may hand out (--mem): half of the machine, in MB.
mem=$(awk '/MemTotal/ {print int($2 / 1024 / 2)}' /proc/meminfo)

new_conf=$(cat <<EOF
# Written by GateLab's scripts/slurm-local.sh: a one-node Slurm for tests. Do not edit; edit the script.
ClusterName=gatelab
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=/var/log/slurm/jobcomp.log
ReturnToService=2
SlurmctldPidFile=$pids/slurmctld.pid
SlurmdPidFile=$pids/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPort=6817
SlurmdPort=6818
# Small on purpose: a 20-trial sweep needs three job arrays (tests check the split).
MaxArraySize=8
MaxJobCount=5000
# Finished jobs stay visible to scontrol for 10 minutes (there is no accounting database to ask later).
MinJobAge=600
# Quick turnarounds for tests: time limits checked often, a short grace between SIGTERM and SIGKILL, and a requeued
# job may start again at once.
KillWait=5
OverTimeLimit=0
SchedulerParameters=bf_interval=5,sched_min_interval=100000
MessageTimeout=10
InactiveLimit=0
NodeName=localhost CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
PartitionName=short Nodes=localhost MaxTime=00:10:00 State=UP
EOF
)

running() { [ -f "$pids/$1.pid" ] && kill -0 "$(cat "$pids/$1.pid")" 2>/dev/null; }

if [ -f "$conf" ] && [ "$(cat "$conf")" = "$new_conf" ] && running munged && running slurmctld && running slurmd; then
  echo "Slurm is already running with this configuration"
else
  stop
  printf '%s\n' "$new_conf" >"$conf"
  # Debian's munge package makes a key at install; make one if it is missing (e.g. a minimal container).
  if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
  fi
  chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge 2>/dev/null || true
  chmod 0400 /etc/munge/munge.key
  mkdir -p /run/munge && chown munge:munge /run/munge 2>/dev/null || true
  # munged runs as the munge user; --force tolerates the permissive directories of a container.
  if command -v runuser >/dev/null 2>&1 && id munge >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged --force
  else
    /usr/sbin/munged --force
  fi
  pgrep -o -x munged >"$pids/munged.pid"
  # A fresh state each start: jobs of an earlier session are not carried over (-c), the node is resumed.
  /usr/sbin/slurmctld -c
  /usr/sbin/slurmd
fi

echo "waiting for the node to be idle…"
for _ in $(seq 1 60); do
  state_now=$(sinfo -h -n localhost -o '%T' 2>/dev/null | head -1 || true)
  case "$state_now" in
    idle*|mixed*|allocated*)
      echo "Slurm is up: node localhost is $state_now"
      sinfo
      exit 0
      ;;
    down*|drain*)
      scontrol update nodename=localhost state=resume >/dev/null 2>&1 || true
      ;;
  esac
  sleep 1
done
echo "slurm-local.sh: the node did not become idle within 60 s; see /var/log/slurm/slurmctld.log and slurmd.log" >&2
sinfo >&2 || true
exit 1
