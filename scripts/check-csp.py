#!/usr/bin/env python3
"""Checks that the Content-Security-Policy in dist/index.html allows Trunk's inline loader script
by its hash, and allows nothing but self-hosted assets. Prints the hash to put in index.html."""
import base64, hashlib, re, sys, pathlib

html = pathlib.Path(__file__).resolve().parent.parent.joinpath("dist", "index.html").read_text()
scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)
csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
if not csp:
    sys.exit("csp: index.html has no Content-Security-Policy meta tag")
policy = csp.group(1)
ok = True
for s in scripts:
    h = "sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()
    if f"'{h}'" not in policy:
        print(f"csp: the inline script's hash is '{h}'; put it in script-src in index.html")
        ok = False
for forbidden in ["unsafe-inline", "unsafe-eval'", "*", "http:", "https:"]:
    if forbidden in policy.replace("wasm-unsafe-eval", ""):
        print(f"csp: the policy allows {forbidden}")
        ok = False
print("csp: ok" if ok else "csp: FAILED")
sys.exit(0 if ok else 1)
