#!/usr/bin/env python3
"""Builds fuzz/corpus/<target>/ from the conformance data and the samples (never committed),
plus the stored inputs under fuzz/regressions/<target>/."""
import json, os, pathlib, shutil, sys, zlib, base64

root = pathlib.Path(__file__).resolve().parent.parent
shared = pathlib.Path(os.environ.get("EBW_SHARED", root.parent / "shared"))
corpus = root / "fuzz" / "corpus"
samples = root / "crates" / "workshop" / "samples"

def put(target, name, data):
    d = corpus / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())

for t in (root / "fuzz" / "regressions").glob("*"):
    for f in t.glob("*"):
        put(t.name, "reg-" + f.name, f.read_bytes())

conf = shared / "conformance"
if conf.exists():
    for i, c in enumerate(json.load(open(conf / "patterns.json"))):
        put("pattern_parse", f"p{i}", c["pattern_sent"])
        put("pattern_match", f"m{i}", c["pattern_sent"] + "\0" + c["event_sent"])
        put("compiled_vs_reference", f"c{i}", c["pattern_sent"] + "\0" + c["event_sent"])
    for i, c in enumerate(json.load(open(conf / "input_transformer.json"))):
        if c.get("input_template"):
            put("transformer", f"t{i}", c["input_template"] + "\0" + json.dumps(c["event"]))
    for i, c in enumerate(json.load(open(conf / "vtl.json"))):
        t = c.get("template") or c.get("request_template") or ""
        put("vtl", f"v{i}", t + "\0" + (c.get("request_body") or ""))
else:
    print(f"note: {conf} not found; seeding from the samples only", file=sys.stderr)

# Events with long arrays of numbers (GeoJSON coordinates): the scanner checks those 64 bytes
# at a time, so give the fuzzer arrays that cross block edges, with exponents and nesting.
coords = ", ".join(f"[-122.{i * 7919 % 1000000:06}, 37.{i * 104729 % 1000000:06}, 0.0]" for i in range(20))
for i, (pattern, arrays) in enumerate([
    ('{"properties": {"STREET": ["FOLSOM"]}}', f"[[{coords}]]"),
    ('{"geometry": {"type": [{"prefix": "Poly"}]}}', f"[[{coords}], [[1e5, -2.5E-3, 6.02e+23]], []]"),
    ('{"properties": {"n": [{"numeric": [">", 0]}]}}', "[" + ",\n\t".join(str(n) for n in range(0, 400, 7)) + "]"),
]):
    event = ('{"type": "Feature", "properties": {"STREET": "FOLSOM", "n": 5}, '
             f'"geometry": {{"type": "Polygon", "coordinates": {arrays}}}}}')
    put("compiled_vs_reference", f"arrays{i}", pattern + "\0" + event)

# Events nested around the limit (128 levels), on paths the pattern reads and skips: the
# mutations rarely build such depth by themselves.
for depth in (127, 128, 129):
    deep_objects = '{"a":' * (depth - 1) + '{"a":"x"' + '}' * depth
    put("compiled_vs_reference", f"deep-objects{depth}", '{"a": ["x"]}\0' + deep_objects)
    put("compiled_vs_reference", f"deep-arrays{depth}", '{"b": ["x"]}\0' + "[" * depth + "]" * depth)

template = (samples / "apigw-mapping-template.vtl").read_text()
for f in samples.glob("stripe-*.json"):
    put("vtl", f.stem, template + "\0" + f.read_text())
put("putevents", "orders", (samples / "orders-putevents-request.json").read_text())
state = json.dumps({"version": 1, "partner": "Pending"}).encode()
put("share_link", "default", "s1." + base64.urlsafe_b64encode(zlib.compress(state, 9)[2:-4]).decode().rstrip("="))
put("insights", "q1", "fields @timestamp, `detail-type`, detail.build.state | filter `detail-type` like /Build/ and detail.build.number > 1 | sort @timestamp desc | limit 20")
print(f"corpus ready under {corpus}")
