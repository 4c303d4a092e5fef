#!/usr/bin/env bash
# The packages' acceptance test (root; a test machine or CI container, never a terminal in service:
# it installs, upgrades, removes and purges community-kiosk and community-kiosk-hub).
#
#   tools/test-deb.sh            build the production packages (tools/build-deb.sh) and test them
#   tools/test-deb.sh --dev      package target/debug's binaries as built by the tests (CI; fast)
#   tools/test-deb.sh --no-build package the release binaries already built
#
# Checks: dpkg-deb -c lists the expected files and the conffiles; dpkg -i of both; the users, their
# groups, the config's owner and mode; the installed executables read /etc/community-kiosk/*.toml
# without --config; systemd-analyze verify of the installed units; a technician's edit of a conffile
# survives an upgrade to a higher version whose packaged conffile changed (dpkg -i --force-confold:
# keep the local file without asking; the new one lands as .dpkg-dist) while an unedited conffile is
# updated; dpkg -r keeps /etc and /var/lib; dpkg --purge removes them. Exits 1 with the failed check.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
    echo "test-deb.sh: FAILED: $*" >&2
    exit 1
}
step() { echo "== $* (after ${SECONDS} s)"; }

mode="${1:-}"
case "$mode" in
    ""|--dev|--no-build) ;;
    *) echo "usage: tools/test-deb.sh [--dev|--no-build]" >&2; exit 2 ;;
esac
# A producer piped into `grep -q` dies of SIGPIPE when grep stops reading early, and pipefail
# turns that into a failure: every check below reads the producer's whole output first.
known_to_dpkg() {
    local status
    status="$(dpkg-query -W -f '${Status}' "$1" 2>/dev/null)" || return 1
    grep -q 'installed\|config-files' <<<"$status"
}
[ "$(id -u)" = 0 ] || fail "run as root (it installs and purges the packages)"
for p in community-kiosk community-kiosk-hub; do
    if known_to_dpkg "$p"; then
        fail "$p is already on this machine; this test would purge it (dpkg --purge $p first, on a test machine)"
    fi
done

work="$(mktemp -d)"
installed=0
cleanup() {
    local rc=$?
    if [ "$installed" = 1 ] && [ "$rc" != 0 ]; then
        echo "test-deb.sh: purging the packages after the failure" >&2
        dpkg --purge community-kiosk community-kiosk-hub >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT

version="$(sed -n 's/^version = "\(.*\)"$/\1/p;T;q' Cargo.toml)"
[ -n "$version" ] || fail "no version in Cargo.toml"
v1="$version-1"
v2="$version-2"

step "building the packages $v1 (tools/build-deb.sh $mode)"
tools/build-deb.sh $mode --deb-version "$v1" --output "$work/v1" >"$work/build1.log" 2>&1 \
    || { tail -n 30 "$work/build1.log" >&2; fail "tools/build-deb.sh $mode"; }
again="--no-build"
[ "$mode" = "--dev" ] && again="--dev"
step "the same binaries as $v2 (tools/build-deb.sh $again)"
tools/build-deb.sh $again --deb-version "$v2" --output "$work/v2" >"$work/build2.log" 2>&1 \
    || { tail -n 30 "$work/build2.log" >&2; fail "tools/build-deb.sh $again"; }

kiosk_deb() { ls "$work/$1"/community-kiosk_*.deb; }
hub_deb() { ls "$work/$1"/community-kiosk-hub_*.deb; }

step "dpkg-deb -c: the files of each package"
expect_files() {
    local deb="$1"; shift
    local list
    list="$(dpkg-deb -c "$deb" | awk '{print $6}')"
    for f in "$@"; do
        grep -qx "\./$f" <<<"$list" || fail "$(basename "$deb") does not contain /$f"
    done
}
expect_files "$(kiosk_deb v1)" usr/bin/kiosk etc/community-kiosk/kiosk.toml \
    usr/lib/systemd/system/community-kiosk.service usr/lib/udev/rules.d/61-community-kiosk.rules \
    usr/lib/sysusers.d/community-kiosk.conf usr/lib/modules-load.d/community-kiosk.conf \
    usr/share/doc/community-kiosk/example.toml
expect_files "$(hub_deb v1)" usr/bin/kiosk-hub etc/community-kiosk/hub.toml \
    usr/lib/systemd/system/community-kiosk-hub.service usr/lib/sysusers.d/community-kiosk-hub.conf
grep -qx /etc/community-kiosk/kiosk.toml <<<"$(dpkg-deb -I "$(kiosk_deb v1)" conffiles)" \
    || fail "kiosk.toml is not a conffile of community-kiosk"
grep -qx /etc/community-kiosk/hub.toml <<<"$(dpkg-deb -I "$(hub_deb v1)" conffiles)" \
    || fail "hub.toml is not a conffile of community-kiosk-hub"
grep -q -- '-rw-r----- .*\./etc/community-kiosk/kiosk.toml$' <<<"$(dpkg-deb -c "$(kiosk_deb v1)")" \
    || fail "kiosk.toml is not packaged with mode 640"

step "dpkg -i $v1"
installed=1
dpkg -i "$(kiosk_deb v1)" "$(hub_deb v1)" || fail "dpkg -i $v1"

step "users, groups, files"
getent passwd kiosk >/dev/null || fail "no user kiosk"
getent passwd kiosk-hub >/dev/null || fail "no user kiosk-hub"
for g in dialout lp audio input video; do
    grep -qx "$g" <<<"$(id -nG kiosk | tr ' ' '\n')" || fail "user kiosk is not in group $g"
done
[ "$(stat -c '%U:%G %a' /etc/community-kiosk)" = "root:kiosk 775" ] \
    || fail "/etc/community-kiosk is $(stat -c '%U:%G %a' /etc/community-kiosk), expected root:kiosk 775"
[ "$(stat -c '%U:%G %a' /etc/community-kiosk/kiosk.toml)" = "root:kiosk 640" ] \
    || fail "kiosk.toml is $(stat -c '%U:%G %a' /etc/community-kiosk/kiosk.toml), expected root:kiosk 640"
[ -f /etc/community-kiosk/hub.toml ] || fail "no /etc/community-kiosk/hub.toml"
[ -x /usr/bin/kiosk ] && [ -x /usr/bin/kiosk-hub ] || fail "the executables are not in /usr/bin"
[ -f /usr/lib/udev/rules.d/61-community-kiosk.rules ] || fail "no udev rules"

step "the installed executables read /etc/community-kiosk without --config"
# The state folders as systemd's StateDirectory= makes them when the services start.
install -d -o kiosk -g kiosk -m 0750 /var/lib/community-kiosk
install -d -o kiosk-hub -g kiosk-hub -m 0750 /var/lib/community-kiosk-hub
out="$(cd / && runuser -u kiosk -- kiosk config check 2>"$work/check.err")" \
    || { cat "$work/check.err" >&2; fail "kiosk config check (as kiosk) of the packaged config"; }
[ "$out" = "/etc/community-kiosk/kiosk.toml: ok" ] || fail "kiosk config check said: $out"
(cd / && runuser -u kiosk -- kiosk outbox list >/dev/null) || fail "kiosk outbox list (as kiosk)"
[ -f /var/lib/community-kiosk/kiosk.sqlite3 ] || fail "kiosk outbox list did not open /var/lib/community-kiosk/kiosk.sqlite3"
(cd / && runuser -u kiosk-hub -- kiosk-hub terminals list >/dev/null) || fail "kiosk-hub terminals list (as kiosk-hub)"
[ -f /var/lib/community-kiosk-hub/hub.sqlite3 ] || fail "kiosk-hub did not open /var/lib/community-kiosk-hub/hub.sqlite3"

step "systemd-analyze verify of the installed units"
systemd-analyze verify /usr/lib/systemd/system/community-kiosk.service \
    /usr/lib/systemd/system/community-kiosk-hub.service || fail "systemd-analyze verify"

step "a technician's edit survives the upgrade to $v2; an unedited conffile is updated"
# v2 ships a changed kiosk.toml and hub.toml, so dpkg's conffile logic really decides.
for which in kiosk hub; do
    deb="$(${which}_deb v2)"
    dpkg-deb -R "$deb" "$work/repack-$which"
    conf="$work/repack-$which/etc/community-kiosk/$which.toml"
    echo "# A new default in $v2." >>"$conf"
    (cd "$work/repack-$which" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z \
        | xargs -0 md5sum >DEBIAN/md5sums)
    # gzip -1: xz of the kiosk's 80 MB debug binary took minutes.
    dpkg-deb -Zgzip -z1 --root-owner-group -b "$work/repack-$which" "$deb" >/dev/null
done
sed -i 's/^terminal_id = .*/terminal_id = "EDITED-01"/' /etc/community-kiosk/kiosk.toml
dpkg -i --force-confold "$(kiosk_deb v2)" "$(hub_deb v2)" </dev/null || fail "dpkg -i --force-confold $v2"
[ "$(dpkg-query -W -f '${Version}' community-kiosk)" = "$v2" ] || fail "community-kiosk is not at $v2"
[ "$(dpkg-query -W -f '${Version}' community-kiosk-hub)" = "$v2" ] || fail "community-kiosk-hub is not at $v2"
grep -qx 'terminal_id = "EDITED-01"' /etc/community-kiosk/kiosk.toml || fail "the edit of kiosk.toml was lost"
grep -q "A new default in $v2" /etc/community-kiosk/kiosk.toml && fail "the edited kiosk.toml was replaced"
grep -q "A new default in $v2" /etc/community-kiosk/kiosk.toml.dpkg-dist \
    || fail "no kiosk.toml.dpkg-dist with the new packaged config"
grep -q "A new default in $v2" /etc/community-kiosk/hub.toml || fail "the unedited hub.toml was not updated"
[ "$(stat -c '%U:%G %a' /etc/community-kiosk/kiosk.toml)" = "root:kiosk 640" ] \
    || fail "after the upgrade kiosk.toml is $(stat -c '%U:%G %a' /etc/community-kiosk/kiosk.toml)"

step "dpkg -r keeps config and data"
dpkg -r community-kiosk community-kiosk-hub || fail "dpkg -r"
[ ! -e /usr/bin/kiosk ] && [ ! -e /usr/bin/kiosk-hub ] || fail "dpkg -r left the executables"
for f in /etc/community-kiosk/kiosk.toml /etc/community-kiosk/hub.toml \
    /var/lib/community-kiosk/kiosk.sqlite3 /var/lib/community-kiosk-hub/hub.sqlite3; do
    [ -e "$f" ] || fail "dpkg -r removed $f"
done
grep -qx 'terminal_id = "EDITED-01"' /etc/community-kiosk/kiosk.toml || fail "dpkg -r changed kiosk.toml"

step "dpkg --purge removes them"
dpkg --purge community-kiosk community-kiosk-hub || fail "dpkg --purge"
installed=0
for f in /etc/community-kiosk /var/lib/community-kiosk /var/lib/community-kiosk-hub \
    /usr/lib/udev/rules.d/61-community-kiosk.rules /usr/lib/systemd/system/community-kiosk.service; do
    [ ! -e "$f" ] || fail "dpkg --purge left $f"
done
if known_to_dpkg community-kiosk; then
    fail "community-kiosk is still known to dpkg after the purge"
fi
# The users stay (as Debian packages leave theirs: no later user inherits their files' uid).
getent passwd kiosk >/dev/null || fail "the purge removed the user kiosk (it is meant to stay)"

echo "== test-deb.sh: all package checks passed in ${SECONDS} s"
