# A stateful toy app: counts in memory, keeps a file in /tmp (an additionalPath) and serves the
# count on :8080, so a restore is visible in the log, on disk and over an open connection.
import os, socket, threading, time

count = 0
os.makedirs("/tmp/counter", exist_ok=True)

def serve():
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", 8080))
    srv.listen()
    while True:
        conn, _ = srv.accept()
        conn.sendall(b"count %d\n" % count)
        conn.close()

threading.Thread(target=serve, daemon=True).start()
while True:
    count += 1
    with open("/tmp/counter/last", "w") as f:
        f.write(str(count))
    print("count", count, flush=True)
    time.sleep(1)
