#!/usr/bin/env python3
# Seeds for fuzz-json: one file per case, the first byte the flags
# (1 JSON_REJECT_DUPLICATES, 2 JSON_DECODE_ANY, 4 JSON_ALLOW_NUL; bits 3-5
# pick how the writers are compared besides compact: see fuzz.c), then the text.
# Usage: make-corpus.py CONFIG_JSON  (hull-runtime spec's config.json)
import os, sys

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
os.makedirs(here, exist_ok=True)

cases = {
    "state": (0, b'{"ociVersion":"1.0.2","id":"c1","status":"created","pid":42,"pidStartTime":123456789012,'
                 b'"bundle":"/b","annotations":{},"cgroup":{"v1":true},"startHooks":false}'),
    "spaces": (0, b' \t\r\n[ true , false , null , { } , [ ] , "" ] \n'),
    "escapes": (3, b'"a\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u20AC\\ud83d\\ude00"'),
    "utf8": (0, '["é € 😀", "\x7f"]'.encode()),
    "numbers": (0, b'[0,-0,1,-1,123456789012345678,-123456789012345678,9223372036854775807,'
                   b'-9223372036854775808,0.5,-0.5e+10,1E-3,2e308,1e-400,1.7976931348623157e308]'),
    "too-big-int": (2, b'9223372036854775808'),
    "too-big-neg": (2, b'-9223372036854775809'),
    "real-overflow": (0, b'[1e400]'),
    "leading-zero": (0, b'[01]'),
    "bad-numbers": (0, b'[1.,-,.5,1e,1e+,-01]'),
    "literals": (0, b'[tru, truex, nul]'),
    "dup": (0, b'{"a":1,"b":{"c":2},"a":3}'),
    "dup-reject": (1, b'{"a":1,"b":{"c":2},"a":3}'),
    "nul-key": (0, b'{"k\\u0000":1}'),
    "nul-value": (0, b'["\\u0000"]'),
    "nul-allowed": (4, b'["a\\u0000b"]'),
    "lone-high": (0, b'["\\ud800"]'),
    "lone-low": (0, b'["\\udc00x"]'),
    "bad-pair": (0, b'["\\ud800\\u0041"]'),
    "encoded-surrogate": (0, b'["\xed\xa0\x80"]'),
    "overlong": (0, b'["\xc0\xaf", "\xe0\x80\xaf"]'),
    "cut-utf8": (0, b'["\xe2\x82'),
    "control": (0, b'["a\tb"]'),
    "newline": (0, b'["a\nb"]'),
    "bad-escape": (0, b'["\\x41", "\\u12G4"]'),
    "scalar-top": (0, b'"top"'),
    "trailing": (0, b'{} x'),
    "trailing-comma": (0, b'[1,]'),
    "object-comma": (0, b'{"a":1,}'),
    "no-colon": (0, b'{"a" 1}'),
    "empty": (0, b''),
    "nul-byte": (2, b'1\x00'),
    "depth-ok": (0, b'[' * 2047 + b'1' + b']' * 2047),
    "depth-over": (0, b'[' * 2048 + b'1' + b']' * 2048),
    "depth-empty": (0, b'[' * 2048 + b']' * 2048),
    # the writers: indented, sorted, real precision, controls and NUL escaped
    "write-indent": (1 << 3, b'{"b":[1,{"c":[]},{}],"a":"x\\u0001\\u001f\\t","e":[[]]}'),
    "write-sorted": (2 << 3, b'{"b":1,"a":{"z":0,"y":[2,1]},"ab":2,"":3}'),
    "write-compact-sorted": (3 << 3, b'{"b":1,"a":{"z":0,"y":[2,1]},"aa":2}'),
    "write-any": ((4 << 3) | 2, b'"\\u00e9\\ud83d\\ude00\\""'),
    "write-reals": (5 << 3, b'[1.5,-0.0,1e300,1e-300,123456789.125,0.1,2e20,1E5,3.0e-5]'),
    "write-reals-precision": (6 << 3, b'[1.5,1e300,123456789.125,0.1,7]'),
    "write-nul": ((7 << 3) | 4, b'["a\\u0000b",{"k":null,"j":true}]'),
}
for name, (flags, text) in cases.items():
    with open(os.path.join(here, name), "wb") as f:
        f.write(bytes([flags]) + text)
if len(sys.argv) > 1:
    with open(sys.argv[1], "rb") as src, open(os.path.join(here, "config"), "wb") as f:
        f.write(bytes([1]) + src.read())
