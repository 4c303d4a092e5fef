#!/usr/bin/env python3
"""Subset Noto Sans CJK SC into the kiosk's bundled fonts (assets/fonts/).

The kiosk must render Chinese on a machine with no CJK system font, so it embeds a font. The full
Noto Sans CJK collection is ~20 MB per weight; this script cuts the Simplified Chinese face down to what
the product can show:

  * printable ASCII, Latin-1 punctuation and signs (U+00A0-00BF, x and division signs), general
    punctuation (U+2010-2027, U+2030-203B), pinyin vowels with tone marks;
  * CJK symbols and punctuation (U+3000-303F) and full-width forms (U+FF00-FFEF);
  * every GB2312 hanzi, level 1 and level 2 (each code point 0xB0A1-0xF7FE through Python's gb2312
    codec), plus GB2312 rows 1-3 (symbols, numbered list marks, full-width ASCII);
  * common UI symbols (arrows, check marks, circles, stars, circled numbers, ...);
  * every non-ASCII character found in ui/**/*.slint, src/**/*.rs and assets/**/*.json (catalogue,
    cards, ...), so rare characters in names and addresses are present.

The face is chosen from the .ttc collection by its name table (family "Noto Sans CJK SC"), not by index:
all faces share one CFF glyph set, and only the SC face's cmap maps each code point to the Simplified
Chinese glyph form. Hinting, vertical metrics and all layout features except 'kern' and 'palt' are
dropped. The subset is renamed to the family "Noto Sans SC" (so the UI can say
font-family: "Noto Sans SC") and written as OpenType/CFF (.otf). OFL.txt is regenerated from the
licence text in the Debian package's copyright file.

Requirements: Debian/Ubuntu package fonts-noto-cjk (apt-get install -y fonts-noto-cjk) and fontTools
(pip install fonttools).

Usage, from the repository root (re-run whenever UI text or the catalogue gains new characters):

    python3 tools/subset-font.py            # writes assets/fonts/NotoSansSC-{Regular,Bold}.otf, OFL.txt
    python3 tools/subset-font.py --check    # exit 1 if the fonts lack a project character (re-run)

Options: --src-dir DIR (where NotoSansCJK-Regular.ttc / -Bold.ttc live), --out-dir DIR.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_SRC = pathlib.Path("/usr/share/fonts/opentype/noto")
DEBIAN_COPYRIGHT = pathlib.Path("/usr/share/doc/fonts-noto-cjk/copyright")
SOURCE_FAMILY = "Noto Sans CJK SC"
FAMILY = "Noto Sans SC"
WEIGHTS = ("Regular", "Bold")
LAYOUT_FEATURES = ["kern", "palt"]

# Symbols the UI, slips and guides are likely to use even if no source file contains them yet.
# (Noto Sans CJK has no heavy check/cross marks or ballot boxes: use the light check mark U+2713.)
SYMBOLS = (
    "→←↑↓↔⇒✓●○◎◆◇■□▲△▼▽▶◀★☆※·—–…‧‘’“”′″°℃№§¶†‡±×÷≤≥≠≈∞√∶"
    "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑"
    "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫⅰⅱⅲⅳⅴⅵⅶⅷⅸⅹ☎♀♂€£¥￥"
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ"
)

SCANNED_GLOBS = ("ui/**/*.slint", "src/**/*.rs", "assets/**/*.json")


def ranges() -> set[int]:
    cps: set[int] = set(range(0x20, 0x7F))
    cps |= set(range(0xA0, 0xC0)) | {0xD7, 0xF7}
    cps |= set(range(0x2010, 0x2028)) | set(range(0x2030, 0x203C))
    cps |= set(range(0x3000, 0x3040))
    cps |= set(range(0xFF00, 0xFFF0))
    cps |= {ord(c) for c in SYMBOLS}
    return cps


def gb2312() -> set[int]:
    """GB2312 rows 1-3 (symbols, list marks, full-width ASCII) and rows 16-87 (level 1 and 2 hanzi)."""
    cps: set[int] = set()
    rows = list(range(0xA1, 0xA4)) + list(range(0xB0, 0xF8))
    for hi in rows:
        for lo in range(0xA1, 0xFF):
            try:
                ch = bytes([hi, lo]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            cps.add(ord(ch))
    return cps


def hanzi_count() -> int:
    n = 0
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                bytes([hi, lo]).decode("gb2312")
                n += 1
            except UnicodeDecodeError:
                pass
    return n


def project_chars() -> set[int]:
    cps: set[int] = set()
    for pattern in SCANNED_GLOBS:
        for path in sorted(ROOT.glob(pattern)):
            if "target" in path.relative_to(ROOT).parts:
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            cps |= {ord(c) for c in text if ord(c) > 0x7F and c.isprintable()}
    return cps


def find_sc_face(ttc_path: pathlib.Path) -> TTFont:
    coll = TTCollection(str(ttc_path))
    for font in coll.fonts:
        name = font["name"]
        family = name.getDebugName(16) or name.getDebugName(1)
        if family == SOURCE_FAMILY:
            return font
    raise SystemExit(f"{ttc_path}: no face with family {SOURCE_FAMILY!r}")


def rename(font: TTFont, weight: str) -> None:
    name = font["name"]
    ps_name = f"{FAMILY.replace(' ', '')}-{weight}"
    full = f"{FAMILY} {weight}" if weight != "Regular" else FAMILY
    version = name.getDebugName(5) or ""
    # Drop every family/style/unique-id record (incl. the zh-CN ones) and write fresh English ones.
    name.names = [r for r in name.names if r.nameID not in (1, 2, 3, 4, 6, 16, 17, 21, 22)]
    unique = f"{version.split(';')[0].replace('Version ', '')};{ps_name};subset"
    for nid, value in ((1, FAMILY), (2, weight), (3, unique), (4, full), (6, ps_name)):
        name.setName(value, nid, 3, 1, 0x409)
    cff = font["CFF "].cff
    cff.fontNames = [ps_name]
    top = cff.topDictIndex[0]
    top.FamilyName = FAMILY
    top.FullName = full
    if hasattr(top, "CIDFontName") or getattr(top, "ROS", None):
        top.CIDFontName = ps_name


def subset_weight(
    src_dir: pathlib.Path, out_dir: pathlib.Path, weight: str, cps: set[int], wanted: set[int]
) -> pathlib.Path:
    """Subset one weight to the code points `cps`; warn about `wanted` ones the source lacks."""
    ttc = src_dir / f"NotoSansCJK-{weight}.ttc"
    font = find_sc_face(ttc)
    cmap = font.getBestCmap()
    missing = sorted(cp for cp in wanted if cp not in cmap)
    opts = subset.Options()
    opts.hinting = False
    opts.desubroutinize = False
    opts.layout_features = LAYOUT_FEATURES
    opts.drop_tables += ["vhea", "vmtx", "VORG", "BASE", "DSIG", "JSTF"]
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
    opts.name_languages = [0x409]
    opts.name_legacy = False
    opts.notdef_outline = True
    opts.recalc_bounds = True
    opts.glyph_names = False
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=[cp for cp in cps if cp in cmap])
    sub.subset(font)
    rename(font, weight)
    out = out_dir / f"NotoSansSC-{weight}.otf"
    font.save(str(out))
    if missing:
        shown = "".join(chr(c) for c in missing if chr(c).isprintable())
        print(f"{weight}: {len(missing)} requested characters not in the source font: {shown}", file=sys.stderr)
    return out


def write_ofl(out_dir: pathlib.Path, copyright_line: str) -> None:
    """Extract the 'License: SIL-1.1' stanza from the Debian copyright file (DEP-5 format)."""
    lines = DEBIAN_COPYRIGHT.read_text(encoding="utf-8").splitlines()
    # The header "License: SIL-1.1" also appears in the Files stanza; the licence text is the stanza
    # whose header line is followed by indented continuation lines.
    start = next(
        i
        for i, line in enumerate(lines[:-1])
        if line == "License: SIL-1.1" and lines[i + 1].startswith(" ")
    )
    body = []
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        body.append("" if line == " ." else line[1:])
    text = f"{copyright_line}\n\n" + "\n".join(body).strip("\n") + "\n"
    (out_dir / "OFL.txt").write_text(text, encoding="utf-8")


def check(src_dir: pathlib.Path, out_dir: pathlib.Path) -> int:
    """Exit status 1 if a project character is in the source font but not in a bundled subset
    (re-running the script would fix it); characters the source font lacks are only listed."""
    wanted = project_chars()
    stale = 0
    for weight in WEIGHTS:
        path = out_dir / f"NotoSansSC-{weight}.otf"
        cmap = TTFont(str(path)).getBestCmap()
        lacking = sorted(cp for cp in wanted if cp not in cmap)
        if not lacking:
            continue
        source = find_sc_face(src_dir / f"NotoSansCJK-{weight}.ttc").getBestCmap()
        fixable = [cp for cp in lacking if cp in source]
        absent = [cp for cp in lacking if cp not in source]
        if fixable:
            stale += 1
            print(f"{path.name} lacks (re-run to add): {''.join(map(chr, fixable))}")
        if absent:
            print(f"{path.name}: not in Noto Sans CJK SC at all: {''.join(map(chr, absent))}")
    if not stale:
        print("fonts cover every project character that Noto Sans CJK SC has")
    return 1 if stale else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src-dir", type=pathlib.Path, default=DEFAULT_SRC)
    ap.add_argument("--out-dir", type=pathlib.Path, default=ROOT / "assets" / "fonts")
    ap.add_argument("--check", action="store_true", help="only report project characters the fonts lack")
    args = ap.parse_args()

    cps = ranges() | gb2312() | project_chars()
    if args.check:
        return check(args.src_dir, args.out_dir)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    print(f"{len(cps)} code points requested ({hanzi_count()} GB2312 hanzi, {len(project_chars())} from project files)")
    for weight in WEIGHTS:
        wanted = {ord(c) for c in SYMBOLS} | project_chars()
        out = subset_weight(args.src_dir, args.out_dir, weight, cps, wanted)
        f = TTFont(str(out))
        print(f"{out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}: {out.stat().st_size:,} bytes, "
              f"{len(f.getGlyphOrder())} glyphs, {len(f.getBestCmap())} code points")
    copyright_line = find_sc_face(args.src_dir / "NotoSansCJK-Regular.ttc")["name"].getDebugName(0)
    write_ofl(args.out_dir, copyright_line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
