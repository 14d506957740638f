#!/usr/bin/env bash
# The docker compose pool, tested against a real Docker engine: builds the image (on locally built stand-ins
# for its node base images, since no registry may be reachable), brings up a schedd and 2 startds, runs the
# seed's self-checkpointing example (001) from a host directory with the host's condor_* commands, kills the
# startd container running it after its first checkpoint, and checks that the job finishes from that
# checkpoint on the other startd. Then the startds are replaced by ones that run container jobs on the same
# engine (docker-compose.container-jobs.yml) and a self-checkpointing docker-universe job runs through them.
# Then everything is torn down.
#
# Exit status: 0 when the test passed or when no Docker engine can be started here (said plainly);
# 1 when an engine runs and the test fails. Set TINYCONDOR_DOCKER_TEST=skip to skip it.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
CACHE_DIR=${TINYCONDOR_DOCKER_CACHE:-/var/cache/tinycondor-docker}
started=$(date +%s)
phase_start=$started
say() { echo "docker-test: $*"; }
phase() { local now; now=$(date +%s); say "$1 ($((now - phase_start)) s; $((now - started)) s in all)"; phase_start=$now; }
skip() { say "SKIPPED: $*"; exit 0; }
fail() { say "FAILED: $*"; exit 1; }

[ "${TINYCONDOR_DOCKER_TEST:-}" = skip ] && skip "TINYCONDOR_DOCKER_TEST=skip"
[ "$(id -u)" = 0 ] || skip "starting a Docker engine needs root"

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v docker-compose >/dev/null || need+=(docker-compose)
command -v debootstrap >/dev/null || need+=(debootstrap)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]} from Debian"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; } >/tmp/tinycondor-docker-apt.log 2>&1 \
    || { tail -5 /tmp/tinycondor-docker-apt.log; skip "could not install ${need[*]} with apt-get"; }
fi
# Debian's docker.io puts a client in /usr/bin; one already on PATH elsewhere may be newer: either works.
if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi

# Our own engine: its own socket, exec root and data root (kept in the cache, so images are reused by
# later runs), no iptables rules and no default bridge: compose's own network and the userland proxy
# for the published port need neither.
run_dir=$(mktemp -d /tmp/tinycondor-docker-XXXXXX)
export DOCKER_HOST="unix://$run_dir/docker.sock"
mkdir -p "$CACHE_DIR/engine"
dockerd --data-root "$CACHE_DIR/engine" --exec-root "$run_dir/exec" --pidfile "$run_dir/dockerd.pid" -H "$DOCKER_HOST" \
  --iptables=false --ip6tables=false --bridge=none >"$run_dir/dockerd.log" 2>&1 &
dockerd_pid=$!
project="tc5test$$"
work="$run_dir/work"
cleanup() {
  # The test cds into its submit directory; compose finds docker-compose.yml only from the project root
  # (without this, `down` failed silently and every run left its pool running in the cached engine).
  cd "$root" || return
  if [ -n "${compose_up:-}" ]; then
    if [ -n "${keep_logs:-}" ]; then "${compose[@]}" -p "$project" logs --no-color --tail 40 >&2 2>&1 || true; fi
    "${compose[@]}" -p "$project" down -v --remove-orphans >/dev/null 2>&1 || true
  fi
  kill "$dockerd_pid" 2>/dev/null && wait "$dockerd_pid" 2>/dev/null
  # dockerd leaves its bind mount of the host's network namespace behind.
  grep -o " $run_dir/[^ ]*" /proc/mounts | sort -r | while read -r mount; do umount "$mount"; done
  rm -rf "$run_dir"
}
trap cleanup EXIT
for _ in $(seq 1 60); do
  docker info >/dev/null 2>&1 && break
  kill -0 "$dockerd_pid" 2>/dev/null || break
  sleep 0.5
done
if ! docker info >/dev/null 2>&1; then
  tail -15 "$run_dir/dockerd.log"
  skip "no Docker engine could be started on this machine (dockerd log above)"
fi
phase "engine $(docker version --format '{{.Server.Version}}') running"

# Pools of earlier runs that were killed before their cleanup live on in the cached engine, and their
# `restart: unless-stopped` brings them back whenever it starts: on a 2-core machine ten of them made the
# build crawl. Remove every tc5test project's containers, networks and volumes first.
leftovers=$(docker ps -a --format '{{.Label "com.docker.compose.project"}}' | grep '^tc5test' | sort -u || true)
for old in $leftovers; do
  docker ps -aq --filter "label=com.docker.compose.project=$old" | xargs -r docker rm -f >/dev/null
  docker network ls -q --filter "label=com.docker.compose.project=$old" | xargs -r docker network rm >/dev/null
  docker volume ls -q --filter "label=com.docker.compose.project=$old" | xargs -r docker volume rm >/dev/null
done
[ -z "$leftovers" ] || phase "removed the pools earlier runs left: $(echo $leftovers | wc -w)"
# And the job containers their container-job startds left.
docker ps -aq --filter label=org.htcondorproject=True | xargs -r docker rm -f >/dev/null

# From here on a failure is a test failure.
TINYCONDOR_DOCKER_CACHE=$CACHE_DIR scripts/docker/base-images.sh || fail "building the stand-in base images"
phase "base images ready"
docker build --network host -t tinycondor:local . >"$run_dir/build.log" 2>&1 || { tail -30 "$run_dir/build.log"; fail "docker build"; }
phase "image tinycondor:local built ($(docker image inspect tinycondor:local --format '{{.Size}}' | awk '{printf "%d MB", $1/1e6}'))"

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
export SCHEDD_PORT=$port LEASE=8 NUM_CPUS=1 MEMORY=512
compose_up=1
keep_logs=1
"${compose[@]}" -p "$project" up -d --no-build --scale startd=2 >"$run_dir/up.log" 2>&1 || { cat "$run_dir/up.log"; fail "compose up"; }
healthy=0
# Health checks start a node process each; on a loaded machine that takes a while.
for _ in $(seq 1 360); do
  healthy=$(docker ps --filter "label=com.docker.compose.project=$project" --filter health=healthy -q | wc -l)
  [ "$healthy" -ge 3 ] && break
  sleep 0.5
done
if [ "$healthy" -lt 3 ]; then
  docker ps --filter "label=com.docker.compose.project=$project" --format '{{.Names}}: {{.Status}}'
  fail "the schedd and 2 startds did not become healthy within 180 s"
fi
phase "pool up: schedd + 2 startds healthy, schedd on 127.0.0.1:$port"

# The host side, as the README says: a client condor_config and a copy of the token.
mkdir -p "$work/pool" "$work/submit"
"${compose[@]}" -p "$project" exec -T schedd tinycondor client-config --url "http://127.0.0.1:$port" >"$work/pool/condor_config" || fail "client-config"
"${compose[@]}" -p "$project" exec -T schedd cat /var/lib/tinycondor/pool.token >"$work/pool/pool.token" || fail "reading the token"
chmod 600 "$work/pool/pool.token"
export CONDOR_CONFIG="$work/pool/condor_config" PATH="$root/node_modules/.bin:$PATH"
slots=$(condor_status -af Name | wc -l)
[ "$slots" = 2 ] || fail "condor_status shows $slots slots, expected 2"

# The seed's example.py and example.submit (001), verbatim but for python3 and a 2 s nap instead of 10 s.
cd "$work/submit"
cat >example.py <<'PY'
#!/usr/bin/env python3

import sys
import time

value = 0
try:
    with open('example.checkpoint', 'r') as f:
        value = int(f.read())
except IOError:
    pass

print("Starting from {0}".format(value))
for i in range(value,10):
    print("Computing timestamp {0}".format(value))
    time.sleep(2)
    value += 1
    with open('example.checkpoint', 'w') as f:
        f.write("{0}".format(value))
    if value%3 == 0:
        sys.exit(85)

print("Computation complete")
sys.exit(0)
PY
chmod +x example.py
# A killed execute node's job is started elsewhere once its job lease expires (HTCondor's default: 2400 s).
cat >example.submit <<'SUB'
job_lease_duration          = 20
checkpoint_exit_code        = 85
transfer_output_files       = example.checkpoint
should_transfer_files       = yes

executable                  = example.py
arguments                   =

output                      = example.out
error                       = example.err
log                         = example.log

queue 1
SUB
condor_submit example.submit || fail "condor_submit"
# Kills the startd container running job $1 once its first checkpoint is in SPOOL; sets $victim.
kill_startd_after_first_checkpoint() {
  victim=""
  for _ in $(seq 1 300); do
    read -r ckpts host < <(condor_q "$1" -af NumCkpts RemoteHost 2>/dev/null)
    if [ "${ckpts:-undefined}" != undefined ] && [ "$ckpts" -ge 1 ] && [ "${host:-undefined}" != undefined ]; then victim=${host#*@}; break; fi
    sleep 0.2
  done
  [ -n "$victim" ] || fail "job $1 did not checkpoint on a startd"
  docker kill "$victim" >/dev/null || fail "docker kill $victim"
  phase "job $1 checkpointed; killed startd container $victim running it"
}
kill_startd_after_first_checkpoint 1.0
condor_wait -wait 240 example.log || fail "condor_wait: the job did not finish"
phase "job finished"

expected='Starting from 0
Computing timestamp 0
Computing timestamp 1
Computing timestamp 2
Starting from 3
Computing timestamp 3
Computing timestamp 4
Computing timestamp 5
Starting from 6
Computing timestamp 6
Computing timestamp 7
Computing timestamp 8
Starting from 9
Computing timestamp 9
Computation complete'
[ "$(cat example.out)" = "$expected" ] || { cat example.out; fail "example.out is not the output of a run resumed from its checkpoint"; }
[ "$(cat example.checkpoint)" = 10 ] || fail "example.checkpoint is not 10"
executions=$(grep -c '^001 ' example.log)
[ "$executions" -ge 2 ] || { cat example.log; fail "the log shows $executions execution(s); the job should have started again elsewhere"; }
grep -q "^005 " example.log || fail "no termination event"
grep -q "^004 " example.log || fail "no eviction (004) in the log"
last_host=$(grep '^001 ' example.log | tail -1)
say "event codes: $(cut -c1-3 example.log | grep -E '^[0-9]{3}$' | tr '\n' ' ')"
say "last execution: $last_host"
phase "resumed from its checkpoint after the startd was killed; output and log came back to $work/submit"

# Startds that run container jobs on this engine (docker-compose.container-jobs.yml): a self-checkpointing
# docker-universe job, each of its starts in a new container, whose startd container is killed after its first
# checkpoint; it finishes elsewhere from that checkpoint, and the killed startd, started again, removes the
# job container it left.
cd "$root"
docker build --network host --build-arg JOB_PACKAGES="python3 docker.io" -t tinycondor:local-container-jobs . >"$run_dir/build-jobs.log" 2>&1 \
  || { tail -30 "$run_dir/build-jobs.log"; fail "docker build (container jobs)"; }
export DOCKER_SOCKET="$run_dir/docker.sock" EXECUTE_DIR="$run_dir/execute"
mkdir -p "$EXECUTE_DIR"
"${compose[@]}" -p "$project" -f docker-compose.yml -f docker-compose.container-jobs.yml up -d --no-build --scale startd=2 >"$run_dir/up-jobs.log" 2>&1 \
  || { cat "$run_dir/up-jobs.log"; fail "compose up (container jobs)"; }
offered=""
for _ in $(seq 1 360); do
  offered=$(condor_status -af HasDocker 2>/dev/null | grep -c '^true$' || true)
  [ "$offered" = 2 ] && break
  sleep 0.5
done
[ "$offered" = 2 ] || { condor_status -af Name HasDocker; fail "the container-job startds do not advertise HasDocker"; }
phase "2 startds advertise HasDocker on the host's engine"
cd "$work/submit"
cat >count.sh <<'SH'
#!/bin/sh
n=$(cat count 2>/dev/null || echo 0)
echo "start $n in $(hostname)"
sleep 1
n=$((n + 1))
echo "$n" >count
[ "$n" -lt 6 ] && exit 85
echo done
SH
chmod +x count.sh
cat >count.submit <<'SUB'
job_lease_duration    = 20
universe              = docker
docker_image          = tinycondor-base/bookworm-minbase
executable            = count.sh
checkpoint_exit_code  = 85
transfer_output_files = count
should_transfer_files = yes
output                = count.out
log                   = count.log
queue
SUB
condor_submit count.submit || fail "condor_submit (container job)"
kill_startd_after_first_checkpoint 2.0
condor_wait -wait 240 count.log || fail "condor_wait: the container job did not finish"
grep -q "Normal termination (return value 0)" count.log || { cat count.log; fail "the container job did not end normally"; }
[ "$(grep -c '^001 ' count.log)" -ge 2 ] && grep -q '^004 ' count.log || { cat count.log; fail "the container job was not evicted and started again"; }
[ "$(sed 's/ in .*//' count.out | tr '\n' ' ')" = "start 0 start 1 start 2 start 3 start 4 start 5 done " ] \
  || { cat count.out; fail "count.out is not each start once, resumed from the checkpoint, then done"; }
grep -q '^start 0 in root-2.0-' count.out || { cat count.out; fail "the job did not run in its own container"; }
[ "$(cat count)" = 6 ] || fail "count is not 6"
docker start "$victim" >/dev/null || fail "docker start $victim"
left=""
for _ in $(seq 1 300); do
  left=$(docker ps -aq --filter label=org.htcondorproject=True)
  [ -z "$left" ] && break
  sleep 0.2
done
[ -z "$left" ] || fail "job containers left behind: $left"
keep_logs=""
phase "PASSED: the container job resumed from its checkpoint after its startd container was killed; the restarted startd removed the container it left"
