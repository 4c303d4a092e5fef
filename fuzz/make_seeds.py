#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/ from the project's own test vectors: the sample
cards (assets/cards), the frames of the GA 467 tests, the configs (kiosk-config/), the bundles of
src/staff/bundle.rs's tests, the bundled catalogue (cut into small catalogues) and grid directory,
the addresses of src/grid/matching.rs's tests, the keyboard tests' key sequences and the hub tests'
bodies. Run from anywhere: python3 fuzz/make_seeds.py (it rewrites the seeds it makes)."""

import json
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(*path):
    with open(os.path.join(ROOT, *path), encoding="utf-8") as f:
        return f.read()


# --- GA 467 frames (src/devices/idcard/protocol.rs) -------------------------------------------------
PREAMBLE = bytes([0xAA, 0xAA, 0xAA, 0x96, 0x69])


def frame(body):
    head = struct.pack(">H", len(body) + 1)
    chk = 0
    for b in head + body:
        chk ^= b
    return PREAMBLE + head + body + bytes([chk])


def response(sw3, data=b""):
    return frame(bytes([0, 0, sw3]) + data)


NATIONS = {"汉": "01", "回": "03", "满": "11"}


# Card text blocks laid out as src/devices/idcard/card.rs reads them (UCS-2 LE, space padded).
def block(values, type_byte=None):
    text = bytearray(b" \x00" * 128)
    for off, s in values:
        units = s.encode("utf-16-le")
        text[off:off + len(units)] = units
    if type_byte:
        text[248] = ord(type_byte)
    return bytes(text)


def ymd(d):
    return d.replace("-", "")


def card_block(card):
    g = {"male": "1", "female": "2"}.get(card["gender"], "0")
    to = "长期" if card["valid_to"] == "长期" else ymd(card["valid_to"])
    if card["card_type"] == "foreign":
        return block([(0, card.get("english_name", card["name"])), (120, g), (122, card["id_number"]),
                      (152, card.get("country", "")), (158, card["name"]), (188, ymd(card["valid_from"])),
                      (204, to), (220, ymd(card["birth_date"])), (236, "01"), (240, card.get("issuer", ""))], "I")
    values = [(0, card["name"]), (30, g), (36, ymd(card["birth_date"])), (52, card.get("address", "")),
              (122, card["id_number"]), (158, card.get("issuer", "")), (188, ymd(card["valid_from"])), (204, to)]
    if card["card_type"] == "resident":
        values.append((32, NATIONS.get(card.get("nation", "汉"), "01")))
        return block(values)
    values += [(220, card.get("pass_number", "")), (238, "01")]
    return block(values, "J")


cards = {}
for f in sorted(os.listdir(os.path.join(ROOT, "assets", "cards"))):
    cards[f[:-5]] = card_block(json.loads(read("assets", "cards", f)))

for name, text in cards.items():
    put("idcard_text", name, text)
    photo = bytes(1024)
    read_data = struct.pack(">HH", 256, 1024) + text + photo
    put("idcard_frame", "read-" + name, b"\x00" + response(0x90, read_data))
put("idcard_text", "blank", b" \x00" * 128)
put("idcard_text", "bad-utf16", block([(0, "\ud800".encode("utf-16-le", "surrogatepass").decode("latin-1"))]))

# The protocol tests' frames: commands, find/select answers, a bad checksum, noise, a bad LEN.
commands = [b"\x10\xff", b"\x11\xff", b"\x12\xff", b"\x20\x01", b"\x20\x02", b"\x30\x01", b"\x30\x10", b"\x30\x03"]
put("idcard_frame", "commands", b"\x07" + b"".join(frame(c) for c in commands))
put("idcard_frame", "find-failed", b"\x00" + response(0x80))
put("idcard_frame", "find-ok", b"\x01" + response(0x9F, bytes(4)))
put("idcard_frame", "select-ok", b"\x02" + response(0x90, bytes(8)))
put("idcard_frame", "read-failed", b"\x03" + response(0x41))
put("idcard_frame", "bad-checksum", b"\x04" + bytes.fromhex("AAAAAA9669000400008085AAAAAA9669000400008084"))
put("idcard_frame", "noise-then-frame", b"\x05" + bytes(range(0x60, 0x80)) + b"\xAA\xAA" + response(0x9F, bytes(4)))
put("idcard_frame", "bad-len", b"\x06" + bytes.fromhex("AAAAAA9669FFFF AAAAAA9669000100 AAAAAA9669000400004145".replace(" ", "")))

# --- scanner lines (src/devices/scanner/protocol.rs) ------------------------------------------------
token = "https://kiosk.example/p/k7m2q9x4w8c3v6b5n1z0"
put("scanner_line", "slip-crlf", b"\x00" + (token + "\r\n").encode())
put("scanner_line", "slip-cr", b"\x05" + (token + "\r").encode())
put("scanner_line", "two-lf", b"\x09" + b"SF-QST-01-20261122-0001\nLL0001\n")
put("scanner_line", "not-utf8", b"\x01" + b"abc\xff\xfe\r\nok\r\n")
put("scanner_line", "too-long", b"\x88" + b"x" * 40 + b"\r\nshort\r\n")
put("scanner_line", "chinese", b"\x02" + "老年人优待证\r\n".encode())

# --- printer status (src/devices/printer/status.rs) -------------------------------------------------
put("printer_status", "ready", bytes([0x12, 0x12, 0x12]))
put("printer_status", "paper-out", bytes([0x1A, 0x32, 0x72]))
put("printer_status", "near-end", bytes([0x16, 0x32, 0x72, 0x12, 0x12, 0x1E]))
put("printer_status", "cover-error", bytes([0x1A, 0x16, 0x12, 0x1A, 0x52, 0x12]))
put("printer_status", "bad-byte", bytes([0xFF, 0x00, 0x12]))

# --- configs and bundles (src/config.rs, src/staff/bundle.rs) ---------------------------------------
example = read("kiosk-config", "example.toml")
demo = read("kiosk-config", "demo.toml")
put("config_toml", "example.toml", example)
put("config_toml", "demo.toml", demo)
put("config_toml", "packaging.toml", read("packaging", "kiosk.toml"))
put("config_toml", "minimal.toml", 'terminal_id = "SF-QST-01"\ncentre_name = "清水塘"\ndata_dir = "../data"\n')
put("config_toml", "problems.toml", 'data_dir = "/tmp/x"\nterminal_id = ""\n[idle]\ntimeout_secs = "long"\n'
    '[printer]\npaper = 57\n[staff]\npin_hash = "246810"\nbundle_dir = "/"\n')
put("config_toml", "hub.toml", 'terminal_id = "SF-QST-01"\ncentre_name = "清水塘"\ndata_dir = "../data"\n'
    '[hub]\nurl = "https://hub.example.gov.cn"\nterminal_token = "' + "0" * 64 + '"\n'
    '[screen]\nhours = ["08:30-12:00", "14:00-17:30"]\nrotation = 90\n')

CURRENT = 'terminal_id = "SF-QST-01"\ncentre_name = "清水塘"\ndata_dir = "../data"\n[printer]\nkind = "simulated"\npaper = 80\n'
SPLIT = "\n#==current==\n"
bundles = {
    "good": 'terminal_id = "SF-HTL-03"\ncentre_name = "月塘"\n[printer]\npaper = 58\nqr_mode = "raster"\n'
            '[hub]\nurl = "https://hub.example.gov.cn/"\nenrolment_code = "493027"\n',
    "bad-port-url": 'centre_name = "月塘"\n[printer]\nkind = "serial"\nport = "COM3"\n[hub]\nurl = "htp:/hub example"\n',
    "many-problems": 'data_dir = "/tmp/x"\nterminal_id = ""\n[idle]\ntimeout_secs = "long"\n[printer]\npaper = 57\n'
                     '[staff]\npin_hash = "246810"\nbundle_dir = "/"\n',
    "hub-only": '[hub]\nurl = "https://hub2.example.gov.cn"\n',
    "zh-problems": 'colour = "red"\n[printer]\nkind = "serial"\nport = "COM3"\n[hub]\nurl = "ftp://hub"\nenrolment_code = "12ab"\n',
    "missing-port": '[printer]\nkind = "serial"\nport = "/dev/ttyUSB9-kiosk-test"\n',
}
for name, text in bundles.items():
    put("bundle_toml", name, text + SPLIT + CURRENT)
put("bundle_toml", "good-on-example", bundles["good"])
put("bundle_toml", "hub-with-token", bundles["hub-only"] + SPLIT + CURRENT +
    '[hub]\nurl = "https://hub.example.gov.cn"\nterminal_token = "' + "0" * 64 + '"\n')

# --- catalogue and grid directory (assets/) ---------------------------------------------------------
catalog = json.loads(read("assets", "catalog", "catalog.json"))
for i in range(0, min(len(catalog["items"]), 6)):
    small = dict(catalog, items=catalog["items"][i:i + 1])
    put("catalog_json", "items-%02d" % i, json.dumps(small, ensure_ascii=False, indent=1))
put("catalog_json", "empty", json.dumps(dict(catalog, items=[]), ensure_ascii=False))

grid_text = read("assets", "grid", "directory.json")
put("grid_json", "bundled", grid_text)
grid = json.loads(grid_text)
put("grid_json", "one-street", json.dumps(dict(grid, streets=grid["streets"][:1]), ensure_ascii=False))
put("grid_json", "empty", json.dumps(dict(grid, streets=[]), ensure_ascii=False))

# --- addresses (src/grid/matching.rs's tests) --------------------------------------------------------
addresses = [
    "湖南省株洲市石峰区清水塘街道华垅社区演示路8号3栋201室", "湖南省株洲市石峰区清水塘街道华垅社区演示路5号",
    "湖南省株洲市石峰区清水塘街道华垅社区演示路12号", "湖南省株洲市石峰区响石岭街道演示路26号",
    "湖南省株洲市石峰区清水塘街道华垅社区演示路８号３栋２０１室", "清水塘街道华垅社区演示路8号第三栋",
    "清水塘街道华垅社区演示路8号", "清水塘街道华垅社区华垅新村十二栋", "清水塘街道华垅社区华垅花园3栋",
    "株洲市石峰区响石岭街道演示路２６号", "株洲市石峰区演示路5号", "湖南省株洲市天元区嵩山路8号",
    "湖南省长沙市岳麓区演示路8号", "株洲市石峰区田心街道演示路8号", "清水塘街道霞湾社区演示路8号3栋", "霞湾社区",
    "清水塘街道华垅社区演示路88号", "", "　",
]
for i, a in enumerate(addresses):
    put("address_match", "addr-%02d" % i, a)

# --- keyboard key sequences (src/ime, tests/ui/keyboard.rs) ------------------------------------------
BS, CLR, CH0, PREV, NEXT, PIN, LET, NUM, DONE, NAME, PHONE = 1, 2, 3, 11, 12, 14, 15, 16, 17, 18, 19
keys = {
    "laonianren": b"\x00laonianren" + bytes([CH0, DONE]),
    "ldyd": b"\x00ldyd" + bytes([NEXT, NEXT, CH0 + 1]),
    "partial": b"\x01laonianren" + bytes([NEXT, CH0 + 2, CH0, BS, BS]),
    "switch": b"\x00bj" + bytes([LET]) + b"ab12" + bytes([NUM, PIN]) + b"zhang" + bytes([CH0]),
    "phone": bytes([0, PHONE]) + b"13800000000x" + bytes([BS, DONE, NAME]) + b"wangxiulan" + bytes([CH0, CLR]),
    "long": b"\x01" + b"zhongguorenminzhengfuzhongguorenmin" + bytes([PREV, NEXT, CH0 + 5]),
}
for name, k in keys.items():
    put("pinyin_keys", name, k)

# --- hub bodies (hub/tests/hub/common.rs, ratings.rs) -------------------------------------------------
application = {
    "idempotency_key": "3f2c9a54-8d1e-4b7a-9c0f-2e6d5a1b7c84", "terminal_id": "SF-QST-01",
    "acceptance_no": "SF-QST-01-20261122-0042-k7m2", "kind": "application", "item_code": "LL0001",
    "item_name": "老年人优待证办理（年审）",
    "applicant": {"name": "王秀兰", "id_number": "430102195303151027", "card_type": "resident", "gender": "女",
                  "birth_date": "1953-03-15", "address": "湖南省长沙市芙蓉区七星社区幸福路8号2栋301室"},
    "form": {"phone": "13800000000"}, "submitted_at": "2026-11-22T09:41:00+08:00", "promised_date": "2026-11-29",
    "pickup_code": "482913", "token": "k7m2q9x4w8c3v6b5n1z0",
    "grid": {"street": "七星街道", "community": "七星社区", "number": "第3网格"}, "note": None,
}
put("hub_bodies", "application", "a" + json.dumps(application, ensure_ascii=False))
put("hub_bodies", "application-no-grid", "a" + json.dumps(dict(application, grid=None, note="复印件已收"), ensure_ascii=False))
put("hub_bodies", "application-bad", "a" + json.dumps(dict(application, kind="other", pickup_code="12"), ensure_ascii=False))
rating = {"token": "k7m2q9x4w8c3v6b5n1z0", "terminal_id": "SF-QST-01", "score": 5, "reasons": [],
          "rated_at": "2026-11-22T09:43:10+08:00"}
put("hub_bodies", "rating", "r" + json.dumps(rating))
put("hub_bodies", "rating-low", "r" + json.dumps(dict(rating, score=1, reasons=["等候时间长"]), ensure_ascii=False))
heartbeat = {"app_version": "0.1.0", "catalog_version": None, "outbox_depth": 0, "reader": "ok",
             "printer": {"online": True, "paper": "ok", "cover_open": False, "error": False}, "last_error": None}
put("hub_bodies", "heartbeat", "h" + json.dumps(heartbeat))
put("hub_bodies", "heartbeat-problems", "h" + json.dumps(dict(heartbeat, catalog_version=3, outbox_depth=12, reader="disconnected",
    printer={"online": False, "paper": "out", "cover_open": True, "error": False}, last_error="printer offline")))
put("hub_bodies", "malformed", "a{\"idempotency_key\": ")
