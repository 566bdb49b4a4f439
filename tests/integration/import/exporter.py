#!/usr/bin/env python3
# exporter.py PORT HOST METRIC{LABELS}=RATE... — a stand-in for `xengatherer
# serve` in test_import.sh: each counter is RATE times the seconds since start
import sys, time, http.server
port, host, rates = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
t0 = time.time()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        dt = time.time() - t0
        out = []
        for r in rates:  # metric{labels}=rate
            name_labels, rate = r.rsplit('=', 1)
            name, labels = name_labels.split('{', 1)
            out.append('%s{host="%s",%s %.9f' % (name, host, labels, float(rate) * dt))
        body = ('\n'.join(out) + '\n').encode()
        self.send_response(200)
        self.send_header('Content-Type', 'text/plain; version=0.0.4')
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
http.server.HTTPServer(('127.0.0.1', port), H).serve_forever()
