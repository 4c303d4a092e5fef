#!/usr/bin/env bash
# Boots a Debian system with a real systemd (systemd-nspawn), installs both packages in it and checks
# what `systemd-analyze verify` cannot: the units run under their hardening, Type=notify READY=1 and
# STATUS= reach systemd, records reach the journal with their fields, and a kiosk whose UI thread hangs
# is killed by the watchdog and restarted. Root only; not part of .ci/run (it downloads a Debian base
# system, ~1 minute). The kiosk has no DRM in a container: a drop-in runs it on Xvfb (winit) instead of
# tty1, everything else is the packaged unit.
#
#   tools/boot-test.sh [--root DIR]     (DIR default /var/tmp/kiosk-boot-test, kept for the next run)
# Uses target/debian/*.deb when present, else builds them with tools/build-deb.sh --dev.
set -euo pipefail
cd "$(dirname "$0")/.."
root=/var/tmp/kiosk-boot-test
[ "${1:-}" = --root ] && root="$2"
fail() { echo "boot-test: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (it installs packages into a container)"
if ! command -v systemd-nspawn >/dev/null || ! command -v debootstrap >/dev/null; then
    echo "== installing systemd-container debootstrap"
    apt-get install -y -qq systemd-container debootstrap >/dev/null
fi
if [ ! -x "$root/usr/bin/Xvfb" ]; then
    echo "== debootstrap bookworm into $root"
    debootstrap --variant=minbase \
        --include=systemd,systemd-sysv,dbus,adduser,libudev1,libinput10,libxkbcommon0,xvfb,libx11-xcb1,libxcursor1,libxrandr2,libxi6,libxkbcommon-x11-0 \
        bookworm "$root" http://deb.debian.org/debian >/dev/null
fi
ls target/debian/community-kiosk_*.deb target/debian/community-kiosk-hub_*.deb >/dev/null 2>&1 \
    || tools/build-deb.sh --dev
rm -f "$root"/root/*.deb "$root/root/result.txt"
cp target/debian/community-kiosk_*.deb target/debian/community-kiosk-hub_*.deb "$root/root/"

cat > "$root/root/probe.sh" <<'EOF'
#!/bin/bash
# Runs once at boot inside the container; writes /root/result.txt and powers off.
exec > /root/result.txt 2>&1
show() { systemctl show -p ActiveState -p StatusText -p NRestarts -p WatchdogUSec "$1" | sed "s/^/$1 /"; }
dpkg -i /root/community-kiosk-hub_*.deb /root/community-kiosk_*.deb >/dev/null
systemctl start community-kiosk-hub; sleep 3
show community-kiosk-hub
journalctl -u community-kiosk-hub -o verbose --no-pager | grep -E "^ *(SYSLOG_IDENTIFIER=kiosk-hub|MESSAGE=kiosk-hub listening)" | sort -u | sed "s/^ */journal /"
systemd-run -q --unit=xvfb /usr/bin/Xvfb :5 -screen 0 1080x1920x24 -nolisten tcp; sleep 2
mkdir -p /etc/systemd/system/community-kiosk.service.d
printf '[Service]\nEnvironment=SLINT_BACKEND=winit DISPLAY=:5\nStandardInput=null\nTTYPath=\nTTYReset=no\nTTYVHangup=no\nTTYVTDisallocate=no\n' \
    > /etc/systemd/system/community-kiosk.service.d/container.conf
systemctl daemon-reload; systemctl start community-kiosk; sleep 8
show community-kiosk
journalctl -u community-kiosk -o verbose --no-pager | grep -E "^ *(DEVICE=|TERMINAL_ID=|MESSAGE=ready)" | sort -u | sed "s/^ */journal /"
printf '[Service]\nEnvironment=KIOSK_TEST_BLOCK_UI_AFTER_MS=4000\nWatchdogSec=6s\n' \
    > /etc/systemd/system/community-kiosk.service.d/hang.conf
systemctl daemon-reload; systemctl restart community-kiosk; sleep 14
echo "hung:"; show community-kiosk
journalctl -u community-kiosk --no-pager | grep -E "Watchdog timeout|Failed with result 'watchdog'" | sed "s/^.*: /journal /" | sort -u
systemctl stop community-kiosk
echo "probe done"
systemctl poweroff
EOF
chmod +x "$root/root/probe.sh"
cat > "$root/etc/systemd/system/kiosk-probe.service" <<'EOF'
[Unit]
Description=Package probe (tools/boot-test.sh)
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/root/probe.sh
[Install]
WantedBy=multi-user.target
EOF
ln -sf /etc/systemd/system/kiosk-probe.service "$root/etc/systemd/system/multi-user.target.wants/kiosk-probe.service"
# Fresh state in the container for every run: purge what the last run installed.
rm -rf "$root/etc/community-kiosk" "$root/var/lib/community-kiosk" "$root/var/lib/community-kiosk-hub" \
    "$root/etc/systemd/system/community-kiosk.service.d"
chroot "$root" dpkg --purge community-kiosk community-kiosk-hub >/dev/null 2>&1 || true

echo "== booting the container (systemd-nspawn -b)"
timeout 300 systemd-nspawn -q -b -D "$root" --register=no --keep-unit >/dev/null 2>&1 || true
[ -f "$root/root/result.txt" ] || fail "the container wrote no result (did it boot?)"
cat "$root/root/result.txt"
r="$root/root/result.txt"
expect() { grep -qE "$1" "$r" || fail "expected: $2"; }
expect "^community-kiosk-hub ActiveState=active" "the hub is active (Type=notify: READY=1 arrived)"
expect "^community-kiosk-hub StatusText=serving on http://" "the hub's STATUS= line"
expect "^journal MESSAGE=kiosk-hub listening" "the hub's records in the journal"
expect "^community-kiosk StatusText=serving" "the kiosk's STATUS= line"
expect "^journal MESSAGE=ready: the first frame is on screen" "the kiosk's READY record"
expect "^journal DEVICE=id_reader" "DEVICE fields in the journal"
expect "^journal TERMINAL_ID=" "TERMINAL_ID fields in the journal"
expect "Watchdog timeout" "the watchdog fires when the UI thread hangs"
grep -qE "NRestarts=[1-9]" <<<"$(grep -A4 "^hung:" "$r")" || fail "the hung kiosk was restarted"
echo "== boot-test: all checks passed"
