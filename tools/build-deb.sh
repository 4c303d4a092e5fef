#!/usr/bin/env bash
# Builds the two Debian packages, community-kiosk and community-kiosk-hub, into target/debian/
# ($CARGO_TARGET_DIR/debian/ when that is set), with cargo-deb from [package.metadata.deb] in
# Cargo.toml and hub/Cargo.toml.
#
# The production packages: the kiosk in release with the linuxkms screen (DRM + libinput), the hub in
# release. What the build needs beyond the Rust toolchain is installed when missing: the -dev packages
# (libudev-dev libinput-dev libxkbcommon-dev pkg-config, and dpkg-dev for the dependencies) with
# apt-get when run as root (otherwise it says which to install), and cargo-deb (cargo install --locked).
#
#   tools/build-deb.sh                          release build of both, then both packages
#   tools/build-deb.sh --deb-version 0.1.0-2    the same with another Debian version (an upgrade)
#   tools/build-deb.sh --no-build               package the release binaries already built
#   tools/build-deb.sh --dev                    package target/debug's binaries as they are (CI: the ones
#                                               the tests compiled; no linuxkms, not for terminals)
#   tools/build-deb.sh --output DIR             write the .debs into DIR instead
set -euo pipefail
cd "$(dirname "$0")/.."

deb_version=""
mode="release"
output=""
while [ $# -gt 0 ]; do
    case "$1" in
        --deb-version) deb_version="$2"; shift 2 ;;
        --no-build) mode="no-build"; shift ;;
        --dev) mode="dev"; shift ;;
        --output) output="$2"; shift 2 ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "build-deb.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

# Debian packages the build needs: the linuxkms feature links libudev, libinput and xkbcommon;
# cargo-deb computes the packages' dependencies with dpkg-shlibdeps (dpkg-dev).
missing=()
if [ "$mode" = "release" ]; then
    for pc in libudev libinput xkbcommon; do
        if ! pkg-config --exists "$pc" 2>/dev/null; then
            case "$pc" in
                libudev) missing+=(libudev-dev) ;;
                libinput) missing+=(libinput-dev) ;;
                xkbcommon) missing+=(libxkbcommon-dev) ;;
            esac
        fi
    done
    command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
fi
command -v dpkg-shlibdeps >/dev/null 2>&1 || missing+=(dpkg-dev)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "build-deb.sh: missing Debian packages: ${missing[*]}" >&2
        echo "  install them: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
fi

# A known version: packaging the dev profile (--dev) is deprecated in cargo-deb and may become an error.
cargo_deb_version="3.8.0"
if ! cargo deb --version >/dev/null 2>&1; then
    echo "== installing cargo-deb $cargo_deb_version"
    # Not through .ci/run's clippy wrapper: cargo-deb is not ours to lint.
    env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS cargo install cargo-deb --version "$cargo_deb_version" --locked
fi

args=()
[ -n "$deb_version" ] && args+=(--deb-version "$deb_version")
[ -n "$output" ] && mkdir -p "$output" && args+=(--output "$output")
case "$mode" in
    release)
        # One cargo build for both, so shared dependencies compile once; cargo deb then only packs.
        echo "== cargo build --release (kiosk with linuxkms, kiosk-hub)"
        cargo build --release --locked -p kiosk -p kiosk-hub --features kiosk/linuxkms --bin kiosk --bin kiosk-hub
        args+=(--no-build)
        ;;
    no-build) args+=(--no-build) ;;
    # cargo-deb maps the assets' target/release/ to the profile's folder (dev: target/debug/). It warns
    # that the dev profile is not for releases: these packages only check the packaging. --fast: the
    # unoptimised binaries are large and the best compression would take minutes.
    dev) args+=(--no-build --profile dev --fast) ;;
esac

for package in kiosk kiosk-hub; do
    echo "== cargo deb -p $package ${args[*]}"
    cargo deb -p "$package" "${args[@]}"
done
echo "== packages in ${output:-${CARGO_TARGET_DIR:-target}/debian}"
ls -l "${output:-${CARGO_TARGET_DIR:-target}/debian}"/*.deb
