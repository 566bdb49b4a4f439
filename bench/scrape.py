#!/usr/bin/env python3
"""bench/scrape.py — K scrapers, each GETting URL RATE times a second for
SECS seconds on a fixed schedule (keep-alive, as Prometheus does). Prints
one line: scrapes, failures, late (a scrape that started more than one
period after its slot: the scraper could not keep up), bytes of the last
body, and latency p50/p90/p99/max in ms.
Usage: scrape.py URL K RATE SECS"""
import http.client
import sys
import threading
import time
import urllib.parse


def scraper(url, rate, secs, out):
    u = urllib.parse.urlsplit(url)
    conn = None
    period = 1.0 / rate
    t0 = time.monotonic()
    k = 0
    while True:
        slot = t0 + k * period
        if slot - t0 >= secs:
            break
        now = time.monotonic()
        if now < slot:
            time.sleep(slot - now)
        elif now - slot > period:
            out["late"] += 1
        start = time.monotonic()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
            conn.request("GET", u.path)
            r = conn.getresponse()
            body = r.read()
            ok = r.status == 200 and b"xengatherer_domains" in body
            out["bytes"] = len(body)
        except (OSError, http.client.HTTPException):
            ok = False
            conn = None
        out["lat"].append(time.monotonic() - start)
        if not ok:
            out["fail"] += 1
        k += 1


def pct(v, p):
    return v[min(len(v) - 1, int(p / 100.0 * len(v)))]


def main():
    url, k, rate, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    outs = [{"lat": [], "fail": 0, "late": 0, "bytes": 0} for _ in range(k)]
    th = [threading.Thread(target=scraper, args=(url, rate, secs, o)) for o in outs]
    for t in th:
        t.start()
    for t in th:
        t.join()
    lat = sorted(x for o in outs for x in o["lat"])
    print("scrapes %d failures %d late %d bytes %d p50 %.1f p90 %.1f p99 %.1f max %.1f ms" % (
        len(lat), sum(o["fail"] for o in outs), sum(o["late"] for o in outs),
        max(o["bytes"] for o in outs), pct(lat, 50) * 1e3, pct(lat, 90) * 1e3,
        pct(lat, 99) * 1e3, lat[-1] * 1e3))


main()
